//! UpdateUser: rename and/or move a user. It keeps its unique id, keys, policies and tags.
//!
//! As AWS documents, a rename needs permission on both the user's current ARN and the ARN it
//! will have.

use warden_protocol::NoOutput;
use warden_protocol::iam::UpdateUserRequest;
use warden_store::UserUpdate;

use super::find_user;
use crate::operation::{Access, Authorized, Handle, Principal};
use crate::{Ctx, ServiceError};

impl Handle for UpdateUserRequest {
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError> {
        let current = ctx.user_arn(&self.user_name);
        let mut resources = vec![current];
        if self.new_user_name.is_some() || self.new_path.is_some() {
            let current_path = ctx
                .warden
                .snapshot()
                .user(ctx.account(), &self.user_name)
                .map(|user| path_of(&user.arn))
                .unwrap_or_else(|| "/".to_owned());
            let path = self.new_path.as_deref().unwrap_or(&current_path);
            let name = self.new_user_name.as_deref().unwrap_or(&self.user_name);
            resources.push(ctx.new_user_arn(path, name));
            resources.dedup_by(|a, b| a.value == b.value);
        }
        Ok(Access::Check {
            resources,
            keys: Vec::new(),
        })
    }

    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<NoOutput, ServiceError> {
        let current = find_user(call, &self.user_name)?;
        let user_name = self
            .new_user_name
            .unwrap_or_else(|| current.user_name.clone());
        let path = self.new_path.unwrap_or_else(|| current.path.clone());
        let update = UserUpdate {
            arn: call.ctx.new_user_arn(&path, &user_name).value,
            user_name,
            path,
        };
        let account = call.ctx.account();
        call.touch(Principal::User(update.user_name.clone()));
        call.write(Principal::User(current.user_name.clone()), |tx| {
            tx.users().update(account, &current.user_name, &update)
        })?;
        Ok(NoOutput)
    }
}

/// The path in a user ARN: `arn:aws:iam::1:user/a/b/name` → `/a/b/`.
fn path_of(arn: &str) -> String {
    let resource = arn.split_once(":user").map_or("", |(_, rest)| rest);
    match resource.rfind('/') {
        Some(end) => resource.get(..=end).unwrap_or("/").to_owned(),
        None => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::path_of;

    #[test]
    fn the_path_of_a_user_arn() {
        assert_eq!(path_of("arn:aws:iam::123456789012:user/alice"), "/");
        assert_eq!(path_of("arn:aws:iam::123456789012:user/a/b/alice"), "/a/b/");
    }
}
