//! The operation runner: the one way an operation's handler is reached.
//!
//! A handler implements [`Handle`] on its operation's generated input type. It declares
//! what the call needs permission for ([`Handle::access`]: its resources and the
//! request-specific condition keys) and does only its business ([`Handle::handle`]). The
//! runner ([`run`]), the only caller of `handle`:
//!
//! 1. authorizes every IAM action of the operation (from the generated table) on the
//!    declared resources — a handler receives an [`Authorized`] it cannot make itself, so it
//!    cannot act unauthorized;
//! 2. runs a write operation (the table's `read_only` is false) in one write transaction, so
//!    a quota check and the write it guards are atomic, and everything the handler wrote is
//!    discarded when it fails; read-only operations read in read transactions;
//! 3. refreshes the authorization snapshot, inside that transaction, for exactly the
//!    principals the handler's writes touched ([`Authorized::write`]), and publishes it when
//!    the transaction has committed (durably), before the call returns;
//! 4. returns the typed output — the type the model gives the operation, checked by the
//!    compiler through [`OperationShape`] — with the resources the audit record names.

use warden_policy::ContextValue;
use warden_protocol::{Arn, NoOutput, OperationShape};
use warden_store::{StoreError, StoreExt, Tx};

use crate::authorize::{Permission, authorize, authorize_granted};
use crate::{Ctx, Output, ServiceError};

/// What a call needs permission for.
#[derive(Debug)]
pub(crate) enum Access {
    /// The operation's actions on these resources (none: on `*`), with these
    /// request-specific condition keys.
    Check {
        /// The resources acted on; empty for actions without resource types.
        resources: Vec<Arn>,
        /// `aws:RequestTag/…`, `aws:TagKeys`, `iam:PermissionsBoundary`, …
        keys: Vec<(String, ContextValue)>,
    },
    /// Documented by AWS as needing no permission (`sts:GetCallerIdentity`).
    Unconditional,
    /// The operation's actions on this resource, granted by AWS without a policy (a user
    /// changing its own password when the password policy allows it): only an explicit
    /// Deny refuses them.
    Granted(Arn),
    /// `sts:AssumeRole` (and `extra` actions, such as `sts:SetSourceIdentity`) on a role,
    /// decided over the caller's policies and the role's trust policy together; `trust` is
    /// `None` when the role does not exist or its trust policy cannot be evaluated (denied
    /// in the same words).
    Trusted {
        /// The role.
        role: Arn,
        /// Its trust policy.
        trust: Option<warden_policy::Policy>,
        /// Actions beyond the operation's own the trust policy must allow.
        extra: Vec<&'static str>,
        /// `sts:ExternalId`, `sts:RoleSessionName`, MFA facts, …
        keys: Vec<(String, ContextValue)>,
    },
}

impl Access {
    /// The operation's actions on `resource`, without request condition keys.
    pub(crate) fn on(resource: Arn) -> Self {
        Self::Check {
            resources: vec![resource],
            keys: Vec::new(),
        }
    }

    /// The operation's actions on `*` (actions without resource types).
    pub(crate) fn anywhere() -> Self {
        Self::Check {
            resources: Vec::new(),
            keys: Vec::new(),
        }
    }

    /// A rename or move of the entity now at `current` (named `name`): the operation's
    /// actions on its current ARN and, when the name or path changes, on the ARN it will
    /// have — AWS requires permission on both. `arn_at(path, name)` builds the new one.
    pub(crate) fn renaming(
        current: Arn,
        name: &str,
        new_path: Option<&str>,
        new_name: Option<&str>,
        arn_at: impl FnOnce(&str, &str) -> Arn,
    ) -> Self {
        let target = (new_path.is_some() || new_name.is_some()).then(|| {
            let current_path = crate::ctx::path_in_arn(&current.value);
            arn_at(new_path.unwrap_or(&current_path), new_name.unwrap_or(name))
        });
        let mut resources = vec![current];
        resources.extend(target.filter(|target| resources.iter().all(|r| r.value != target.value)));
        Self::Check {
            resources,
            keys: Vec::new(),
        }
    }

    fn resources(&self) -> &[Arn] {
        match self {
            Self::Check { resources, .. } => resources,
            Self::Granted(resource) | Self::Trusted { role: resource, .. } => {
                std::slice::from_ref(resource)
            }
            Self::Unconditional => &[],
        }
    }
}

/// A principal whose part of the authorization snapshot a write changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Principal {
    /// An IAM user of the caller's account: its record, policies, groups and keys.
    User(String),
    /// An IAM group of the caller's account: its record and policies.
    Group(String),
    /// An IAM role of the caller's account: its record, policies and trust policy.
    Role(String),
    /// A managed policy, by ARN: its default version.
    ManagedPolicy(String),
    /// The root user of the caller's account: its keys.
    Root,
}

/// One operation's business, run by [`run`] once authorized.
pub(crate) trait Handle: OperationShape + Sized {
    /// What the call needs permission for. Runs before authorization: it may read the
    /// snapshot (to name an existing entity's ARN) but must not act.
    fn access(&self, ctx: &Ctx<'_>) -> Result<Access, ServiceError>;

    /// Whether the call writes the store in one transaction (default: unless the table
    /// marks the operation read-only). STS's AssumeRole is not read-only for CloudTrail but
    /// writes nothing, so it runs without a write transaction.
    const WRITES: bool = !<Self as OperationShape>::INFO.read_only;

    /// The call's business, after the runner authorized it.
    fn handle(self, call: &mut Authorized<'_, '_>) -> Result<Self::Output, ServiceError>;
}

/// Proof that the runner authorized the call; only [`run`] makes one.
pub(crate) struct Authorized<'c, 'a> {
    /// The call's context.
    pub(crate) ctx: &'c Ctx<'a>,
    /// The write transaction of a write operation; `None` for a read-only one.
    tx: Option<&'c dyn Tx>,
    /// The principals the call's writes touched.
    touched: Vec<Principal>,
    /// Keeps the constructor private to this module.
    _proof: Proof,
}

/// A value only this module can make.
struct Proof;

impl Authorized<'_, '_> {
    /// Reads the store: inside the call's write transaction (seeing its own writes), or,
    /// for a read-only operation, in a read transaction of its own.
    pub(crate) fn read<T>(
        &self,
        read: impl FnOnce(&dyn Tx) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self.tx {
            Some(tx) => read(tx),
            None => self.ctx.warden.store().read(read),
        }
    }

    /// Writes, in the call's transaction, something that changes what `principal` may do
    /// or sign with; the runner refreshes that principal in the snapshot when the
    /// transaction commits.
    pub(crate) fn write<T>(
        &mut self,
        principal: Principal,
        write: impl FnOnce(&dyn Tx) -> Result<T, StoreError>,
    ) -> Result<T, ServiceError> {
        self.touch(principal);
        Ok(self.write_outside_snapshot(write)?)
    }

    /// Marks another principal whose snapshot entry the call's writes change (a rename
    /// changes the entry under the old name and the one under the new).
    pub(crate) fn touch(&mut self, principal: Principal) {
        if !self.touched.contains(&principal) {
            self.touched.push(principal);
        }
    }

    /// Writes something the snapshot does not hold in a transaction of its own, for a call
    /// that runs without one (an MFA device's last accepted step, when STS checks a code).
    pub(crate) fn write_aside<T>(
        &mut self,
        write: impl FnOnce(&dyn Tx) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self.tx {
            Some(tx) => write(tx),
            None => self.ctx.warden.store().write(write),
        }
    }

    /// Writes, in the call's transaction, something the snapshot does not hold (trails).
    pub(crate) fn write_outside_snapshot<T>(
        &mut self,
        write: impl FnOnce(&dyn Tx) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self.tx {
            Some(tx) => write(tx),
            None => Err(StoreError::Backend(
                "a read-only operation cannot write".to_owned(),
            )),
        }
    }
}

/// A finished call: its result, and the resources it named (for the audit record).
pub struct Ran {
    /// The output to render, or the error to answer.
    pub result: Result<Option<Output>, ServiceError>,
    /// The resources the call was authorized on.
    pub resources: Vec<Arn>,
    /// Who a federation call (which has no caller) authenticated, once it succeeded.
    pub federated: Option<crate::audit::Federated>,
}

impl Ran {
    /// A call that failed before it reached a handler.
    pub(crate) fn failed(error: ServiceError) -> Self {
        Self {
            result: Err(error),
            resources: Vec::new(),
            federated: None,
        }
    }
}

/// Runs `input`'s operation for the caller of `ctx`: authorize, handle, refresh, answer.
pub(crate) fn run<Op: Handle>(ctx: &Ctx<'_>, input: Op) -> Ran
where
    Op::Output: 'static,
{
    let access = match input.access(ctx) {
        Ok(access) => access,
        Err(error) => return Ran::failed(error),
    };
    let resources = access.resources().to_vec();
    note_attempt::<Op>(ctx);
    let result = authorized::<Op>(ctx, access).and_then(|()| handle(ctx, input));
    Ran {
        result,
        resources,
        federated: None,
    }
}

/// Notes the caller's attempt at the operation's actions, allowed or not (IAM's service
/// last accessed reports count attempts, as AWS's do).
fn note_attempt<Op: OperationShape>(ctx: &Ctx<'_>) {
    let Some(principal_id) = ctx.caller.iam_entity_id() else {
        return;
    };
    let when = ctx.facts.now.as_millisecond();
    for action in Op::INFO.actions {
        ctx.warden.service_accesses.note(
            &ctx.caller.account_id,
            principal_id,
            action,
            when,
            &ctx.facts.region,
        );
    }
}

/// Evaluates every action of the operation on every declared resource.
fn authorized<Op: OperationShape>(ctx: &Ctx<'_>, access: Access) -> Result<(), ServiceError> {
    let (resources, keys, check): (_, _, fn(_, _, _, _) -> _) = match access {
        Access::Unconditional => return Ok(()),
        Access::Trusted {
            role,
            trust,
            extra,
            keys,
        } => return trusted::<Op>(ctx, &role, trust.as_ref(), &extra, &keys),
        Access::Check { resources, keys } => (resources, keys, authorize),
        Access::Granted(resource) => (vec![resource], Vec::new(), authorize_granted),
    };
    let snapshot = ctx.warden.snapshot();
    let targets: Vec<String> = if resources.is_empty() {
        vec!["*".to_owned()]
    } else {
        resources.into_iter().map(|arn| arn.value).collect()
    };
    for action in Op::INFO.actions {
        for resource in &targets {
            check(
                &snapshot,
                ctx.caller,
                ctx.facts,
                Permission {
                    action: (*action).to_owned(),
                    resource: resource.clone(),
                    resource_account: ctx.caller.account_id.clone(),
                    keys: keys.clone(),
                },
            )?;
        }
    }
    Ok(())
}

/// Evaluates the operation's actions and `extra` on `role` over the caller's policies and
/// the role's trust policy; denied in AWS's words ("User: … is not authorized to perform:
/// sts:AssumeRole on resource: …", no reason given) when anything does not allow.
fn trusted<Op: OperationShape>(
    ctx: &Ctx<'_>,
    role: &Arn,
    trust: Option<&warden_policy::Policy>,
    extra: &[&'static str],
    keys: &[(String, ContextValue)],
) -> Result<(), ServiceError> {
    let snapshot = ctx.warden.snapshot();
    for action in Op::INFO.actions.iter().chain(extra) {
        let refused = || {
            ServiceError::AccessDenied(format!(
                "User: {} is not authorized to perform: {action} on resource: {}",
                ctx.caller.arn, role.value
            ))
        };
        let trust = trust.ok_or_else(refused)?;
        crate::authorize::authorize_with_trust(
            &snapshot,
            ctx.caller,
            ctx.facts,
            Permission {
                action: (*action).to_owned(),
                resource: role.value.clone(),
                resource_account: ctx.caller.account_id.clone(),
                keys: keys.to_vec(),
            },
            trust,
        )
        .map_err(|_| refused())?;
    }
    Ok(())
}

fn handle<Op: Handle>(ctx: &Ctx<'_>, input: Op) -> Result<Option<Output>, ServiceError>
where
    Op::Output: 'static,
{
    let output = if !Op::WRITES {
        input.handle(&mut Authorized {
            ctx,
            tx: None,
            touched: Vec::new(),
            _proof: Proof,
        })?
    } else {
        ctx.warden.write(ctx.account(), |tx, touched| {
            let mut call = Authorized {
                ctx,
                tx: Some(tx),
                touched: Vec::new(),
                _proof: Proof,
            };
            let output = input.handle(&mut call)?;
            touched.append(&mut call.touched);
            Ok(output)
        })?
    };
    Ok(boxed::<Op>(output))
}

/// The output to render: none when the model declares no output.
fn boxed<Op: OperationShape>(output: Op::Output) -> Option<Output>
where
    Op::Output: 'static,
{
    if Op::INFO.output.is_none() {
        debug_assert!(
            std::any::type_name::<Op::Output>() == std::any::type_name::<NoOutput>(),
            "an operation without output returns NoOutput"
        );
        return None;
    }
    Some(Box::new(output))
}

/// Declares the operations a service serves: the dispatch from its `Operation` enum to
/// [`run`], and `SERVED`, their names. One line per operation; operations whose model
/// declares no input follow `without input:`, each with the marker type that stands for
/// its input (see [`no_input`]); the operations the model marks unauthenticated, which the
/// service runs without the runner (they have no caller), follow `without caller:`.
macro_rules! served {
    (
        $service:ident: $($operation:ident),+ $(,)?
        $(; without input: $($bare:ident => $marker:path),+ $(,)?)?
        $(; without caller: $($open:ident),+ $(,)?)?
    ) => {
        /// The operations of this service that Warden serves.
        pub const SERVED: &[&str] = &[
            $(stringify!($operation)),+ $($(, stringify!($bare))+)? $($(, stringify!($open))+)?
        ];

        /// Dispatches a served operation to the runner; the name of any other.
        fn dispatch(
            ctx: &$crate::Ctx<'_>,
            operation: warden_protocol::$service::Operation,
        ) -> Result<$crate::operation::Ran, &'static str> {
            match operation {
                $(warden_protocol::$service::Operation::$operation(input) => {
                    Ok($crate::operation::run(ctx, input))
                })+
                $($(warden_protocol::$service::Operation::$bare => {
                    Ok($crate::operation::run(ctx, $marker))
                })+)?
                other => Err(other.name()),
            }
        }
    };
}
pub(crate) use served;

/// A marker type standing for the (absent) input of an operation whose model declares
/// none, so that it can implement [`Handle`] like every other operation:
/// `no_input!(GetAccountSummary, iam::operations::GET_ACCOUNT_SUMMARY, iam::GetAccountSummaryResponse)`.
macro_rules! no_input {
    ($(#[$doc:meta])* $name:ident, $info:path, $output:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub(crate) struct $name;

        impl warden_protocol::OperationShape for $name {
            const INFO: &'static warden_protocol::OperationInfo = &$info;
            type Output = $output;
        }
    };
}
pub(crate) use no_input;
