//! Actions AWS answers for every authenticated caller, whatever the policies say.
//!
//! Shared by the server's runner (which skips authorization for them) and the offline
//! simulator ([`decide`]), so both follow the same rule.

use crate::decision::{Decision, Layer, Outcome};
use crate::evaluate::{PolicySet, evaluate};
use crate::{PrincipalKind, RequestContext};

/// An action that needs no permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exemption {
    /// The action, e.g. `sts:GetCallerIdentity`.
    pub action: &'static str,
    /// AWS's documented rule, quoted.
    pub rule: &'static str,
}

/// Every exempt action. (`sts:GetSessionToken` also needs no permission, but only for
/// long-term credentials, which a policy evaluation cannot tell apart: the server decides it
/// where it authenticates the caller.)
const EXEMPTIONS: [Exemption; 1] = [Exemption {
    action: "sts:GetCallerIdentity",
    rule: "No permissions are required to perform this operation. If an administrator attaches \
           a policy to your identity that explicitly denies access to the \
           sts:GetCallerIdentity action, you can still perform this operation. \
           (AWS STS API Reference, GetCallerIdentity)",
}];

/// The exemption of an action (any case), if it has one.
pub fn exempt_action(action: &str) -> Option<&'static Exemption> {
    EXEMPTIONS
        .iter()
        .find(|exemption| exemption.action.eq_ignore_ascii_case(action))
}

/// The exemption that answers this request: an exempt action called by an authenticated
/// caller (an anonymous caller is evaluated as usual).
pub fn exemption(request: &RequestContext) -> Option<&'static Exemption> {
    if request.principal.kind == PrincipalKind::Anonymous {
        return None;
    }
    exempt_action(&request.action)
}

/// What AWS answers: [`Outcome::Allowed`] in [`Layer::Exempt`] for an [`exemption`],
/// otherwise [`evaluate`].
pub fn decide(request: &RequestContext, policies: &PolicySet<'_>) -> Decision {
    if exemption(request).is_some() {
        return Decision {
            outcome: Outcome::Allowed,
            layer: Layer::Exempt,
            matched: Vec::new(),
            missing_keys: Vec::new(),
            unevaluable: Vec::new(),
        };
    }
    evaluate(request, policies)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ContextMap, Policy, PolicyKind, Principal};

    fn request(principal: &str, action: &str) -> RequestContext {
        let principal = if principal == "anonymous" {
            Principal {
                arn: "anonymous".into(),
                account: String::new(),
                kind: PrincipalKind::Anonymous,
                role_arn: None,
                federating_user_arn: None,
                unique_id: None,
            }
        } else {
            Principal::from_arn(principal).unwrap()
        };
        RequestContext {
            principal,
            action: action.into(),
            resource: "*".into(),
            resource_account: None,
            context: ContextMap::new(),
        }
    }

    /// STS API Reference, GetCallerIdentity: "No permissions are required to perform this
    /// operation. If an administrator attaches a policy to your identity that explicitly
    /// denies access to the sts:GetCallerIdentity action, you can still perform this
    /// operation."
    #[test]
    fn get_caller_identity_needs_no_permission_and_survives_an_explicit_deny() {
        let deny = Policy::parse(
            "deny",
            r#"{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"*","Resource":"*"}}"#,
            PolicyKind::Identity,
        )
        .unwrap();
        let user = request(
            "arn:aws:iam::111122223333:user/alice",
            "STS:getcalleridentity",
        );
        let none = decide(&user, &PolicySet::default());
        assert_eq!(
            (none.outcome, none.layer),
            (Outcome::Allowed, Layer::Exempt)
        );
        let denied = PolicySet {
            identity: vec![&deny],
            scp: vec![vec![&deny]],
            ..PolicySet::default()
        };
        assert!(decide(&user, &denied).is_allowed());
        assert_eq!(evaluate(&user, &denied).outcome, Outcome::ExplicitDeny);
        assert!(
            decide(&user, &PolicySet::default())
                .explain("sts:GetCallerIdentity")
                .contains("needs no permission")
        );
    }

    #[test]
    fn only_authenticated_callers_and_only_exempt_actions() {
        let anonymous = request("anonymous", "sts:GetCallerIdentity");
        assert_eq!(
            decide(&anonymous, &PolicySet::default()).outcome,
            Outcome::ImplicitDeny
        );
        let other = request(
            "arn:aws:iam::111122223333:user/alice",
            "sts:GetSessionToken",
        );
        assert!(exemption(&other).is_none());
        assert!(exempt_action("sts:GetCallerIdentity").is_some());
    }
}
