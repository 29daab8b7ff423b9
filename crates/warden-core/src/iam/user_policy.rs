//! Inline user policies: PutUserPolicy, GetUserPolicy, ListUserPolicies, DeleteUserPolicy.
//! Each is authorized on the user's ARN.

mod delete_user_policy;
mod get_user_policy;
mod list_user_policies;
mod put_user_policy;
