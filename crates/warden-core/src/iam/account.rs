//! Account-wide reads: GetAccountAuthorizationDetails (the snapshot of every user, group,
//! role and policy that security tools consume).

mod authorization_details;
