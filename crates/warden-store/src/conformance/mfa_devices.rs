//! Checks of virtual MFA devices, their assignment and their tags.

use super::fixtures::{
    ACCOUNT, OTHER_ACCOUNT, account, account_with_user, mfa_device, mfa_serial, user,
};
use super::tags::{Taggable, check_tags_merge_and_are_limited, tag};
use super::{Failure, ensure_error};
use crate::{
    EntityKind, MFA_DEVICES_PER_USER, MfaAssignment, MfaDeviceRecord, Store, StoreError, StoreExt,
    UserUpdate,
};

/// The stored device of the main account with this serial number.
fn stored(store: &dyn Store, serial_number: &str) -> Result<MfaDeviceRecord, Failure> {
    store
        .read(|tx| tx.mfa_devices().get(ACCOUNT, serial_number))?
        .ok_or_else(|| Failure(format!("MFA device {serial_number} vanished")))
}

/// The serial numbers of the devices of the main account assigned to `owner`, in order.
fn assigned_to(store: &dyn Store, owner: &MfaAssignment) -> Result<Vec<String>, Failure> {
    Ok(store
        .read(|tx| tx.mfa_devices().assigned_to(ACCOUNT, owner))?
        .into_iter()
        .map(|device| device.serial_number)
        .collect())
}

/// The IAM user `name` as an owner.
fn to_user(name: &str) -> MfaAssignment {
    MfaAssignment::User(name.to_owned())
}

/// `device` as stored once enabled for `owner`.
fn enabled(
    mut device: MfaDeviceRecord,
    owner: MfaAssignment,
    enable_date: i64,
    last_step: i64,
) -> MfaDeviceRecord {
    device.assignment = Some(owner);
    device.enable_date = Some(enable_date);
    device.last_step = Some(last_step);
    device
}

pub(super) fn create_get_list(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    store.write(|tx| tx.accounts().create(&account(OTHER_ACCOUNT)))?;
    let mut phone = mfa_device(ACCOUNT, "/", "Phone");
    phone.tags = vec![tag("owner", "alice"), tag("Kind", "")];
    // The assignment, enable date and last step given to `create` are ignored.
    let mut given = phone.clone();
    given.assignment = Some(MfaAssignment::Root);
    given.enable_date = Some(1);
    given.last_step = Some(2);
    let before = store.generation()?;
    store.write(|tx| tx.mfa_devices().create(&given))?;
    ensure!(
        store.generation()? > before,
        "creating an MFA device did not bump the generation"
    );
    let tablet = mfa_device(ACCOUNT, "/team/", "tablet");
    let backup = mfa_device(ACCOUNT, "/", "backup");
    let laptop = mfa_device(ACCOUNT, "/", "Laptop");
    for device in [&tablet, &backup, &laptop] {
        store.write(|tx| tx.mfa_devices().create(device))?;
    }
    let elsewhere = mfa_device(OTHER_ACCOUNT, "/", "phone");
    store.write(|tx| tx.mfa_devices().create(&elsewhere))?;

    // Serial numbers match in any case; records are as created, tags included.
    ensure_eq!(stored(store, &phone.serial_number)?, phone);
    ensure_eq!(stored(store, &phone.serial_number.to_uppercase())?, phone);
    ensure_eq!(stored(store, &tablet.serial_number)?, tablet);
    ensure_eq!(
        store.read(|tx| tx.mfa_devices().get(ACCOUNT, &elsewhere.serial_number))?,
        None
    );
    ensure_eq!(
        store.read(|tx| tx
            .mfa_devices()
            .get(ACCOUNT, &mfa_serial(ACCOUNT, "/", "nope")))?,
        None
    );
    ensure_eq!(
        store.read(|tx| tx
            .mfa_devices()
            .get(OTHER_ACCOUNT, &elsewhere.serial_number))?,
        Some(elsewhere)
    );

    // By case-folded serial number (`…:mfa/backup` < `…:mfa/laptop` < `…:mfa/phone` <
    // `…:mfa/team/tablet`).
    ensure_eq!(
        store.read(|tx| tx.mfa_devices().list(ACCOUNT))?,
        vec![backup, laptop, phone, tablet]
    );
    ensure_eq!(
        store.read(|tx| tx.mfa_devices().list("999999999999"))?,
        Vec::new()
    );

    // Names are unique in any case and path; serial numbers too.
    ensure_error(
        store.write(|tx| {
            tx.mfa_devices()
                .create(&mfa_device(ACCOUNT, "/other/", "PHONE"))
        }),
        &StoreError::already_exists(EntityKind::MfaDevice, "PHONE"),
        "an MFA device name taken in another case and path",
    )?;
    let mut same_serial = mfa_device(ACCOUNT, "/", "renamed");
    same_serial.serial_number = mfa_serial(ACCOUNT, "/", "LAPTOP");
    ensure_error(
        store.write(|tx| tx.mfa_devices().create(&same_serial)),
        &StoreError::already_exists(EntityKind::MfaDevice, &same_serial.serial_number),
        "an MFA device serial number taken in another case",
    )?;
    ensure_eq!(store.read(|tx| tx.mfa_devices().list(ACCOUNT))?.len(), 4);
    ensure_error(
        store.write(|tx| {
            tx.mfa_devices()
                .create(&mfa_device("999999999999", "/", "phone"))
        }),
        &StoreError::not_found(EntityKind::Account, "999999999999"),
        "an MFA device in a missing account",
    )?;
    Ok(())
}

pub(super) fn enable_deactivate_and_assigned_to(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "Alice")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    let phone = mfa_device(ACCOUNT, "/", "phone");
    let tablet = mfa_device(ACCOUNT, "/", "tablet");
    let key = mfa_device(ACCOUNT, "/", "key");
    let root = mfa_device(ACCOUNT, "/", "root-device");
    for device in [&phone, &tablet, &key, &root] {
        store.write(|tx| tx.mfa_devices().create(device))?;
    }
    ensure_eq!(assigned_to(store, &to_user("alice"))?, Vec::<String>::new());

    // The owner and serial number may be given in any case; records name the user as stored.
    let before = store.generation()?;
    store.write(|tx| {
        tx.mfa_devices().enable(
            ACCOUNT,
            &tablet.serial_number.to_uppercase(),
            &to_user("ALICE"),
            300,
            31,
        )
    })?;
    ensure!(
        store.generation()? > before,
        "enabling an MFA device did not bump the generation"
    );
    let tablet = enabled(tablet, to_user("Alice"), 300, 31);
    ensure_eq!(stored(store, &tablet.serial_number)?, tablet);
    store.write(|tx| {
        tx.mfa_devices()
            .enable(ACCOUNT, &phone.serial_number, &to_user("alice"), 100, 11)
    })?;
    store.write(|tx| {
        tx.mfa_devices()
            .enable(ACCOUNT, &key.serial_number, &to_user("alice"), 300, 21)
    })?;
    let phone = enabled(phone, to_user("Alice"), 100, 11);
    let key = enabled(key, to_user("Alice"), 300, 21);
    store.write(|tx| {
        tx.mfa_devices()
            .enable(ACCOUNT, &root.serial_number, &MfaAssignment::Root, 50, 5)
    })?;
    let root = enabled(root, MfaAssignment::Root, 50, 5);
    ensure_eq!(stored(store, &root.serial_number)?, root);

    // By enable date, then serial number.
    ensure_eq!(
        store.read(|tx| tx.mfa_devices().assigned_to(ACCOUNT, &to_user("alice")))?,
        vec![phone.clone(), key.clone(), tablet.clone()]
    );
    ensure_eq!(
        assigned_to(store, &MfaAssignment::Root)?,
        [root.serial_number.as_str()]
    );
    ensure_eq!(assigned_to(store, &to_user("bob"))?, Vec::<String>::new());
    ensure_eq!(
        assigned_to(store, &to_user("nobody"))?,
        Vec::<String>::new()
    );
    ensure_eq!(
        store.read(|tx| tx
            .mfa_devices()
            .assigned_to(OTHER_ACCOUNT, &MfaAssignment::Root))?,
        Vec::new()
    );

    // An assigned device cannot be enabled again, for anyone.
    for (owner, context) in [
        (to_user("alice"), "enabling a device for its owner again"),
        (to_user("bob"), "enabling another user's device"),
        (
            MfaAssignment::Root,
            "enabling a user's device for the root user",
        ),
    ] {
        ensure_error(
            store.write(|tx| {
                tx.mfa_devices()
                    .enable(ACCOUNT, &phone.serial_number, &owner, 900, 90)
            }),
            &StoreError::already_exists(EntityKind::MfaDevice, &phone.serial_number),
            context,
        )?;
    }
    ensure_eq!(stored(store, &phone.serial_number)?, phone);
    let missing = mfa_serial(ACCOUNT, "/", "missing");
    ensure_error(
        store.write(|tx| {
            tx.mfa_devices()
                .enable(ACCOUNT, &missing, &to_user("nobody"), 1, 1)
        }),
        &StoreError::not_found(EntityKind::MfaDevice, &missing),
        "enabling a missing device for a missing user",
    )?;
    let spare = mfa_device(ACCOUNT, "/", "spare");
    store.write(|tx| tx.mfa_devices().create(&spare))?;
    ensure_error(
        store.write(|tx| {
            tx.mfa_devices()
                .enable(ACCOUNT, &spare.serial_number, &to_user("nobody"), 1, 1)
        }),
        &StoreError::not_found(EntityKind::User, "nobody"),
        "enabling a device for a missing user",
    )?;
    ensure_eq!(stored(store, &spare.serial_number)?, spare);

    // Deactivating needs the device's owner.
    for (owner, context) in [
        (to_user("bob"), "deactivating another user's device"),
        (to_user("nobody"), "deactivating for a missing user"),
        (MfaAssignment::Root, "deactivating a user's device as root"),
    ] {
        ensure_error(
            store.write(|tx| {
                tx.mfa_devices()
                    .deactivate(ACCOUNT, &phone.serial_number, &owner)
            }),
            &StoreError::not_found(EntityKind::MfaDevice, &phone.serial_number),
            context,
        )?;
    }
    ensure_error(
        store.write(|tx| {
            tx.mfa_devices()
                .deactivate(ACCOUNT, &spare.serial_number, &to_user("alice"))
        }),
        &StoreError::not_found(EntityKind::MfaDevice, &spare.serial_number),
        "deactivating an unassigned device",
    )?;
    ensure_error(
        store.write(|tx| {
            tx.mfa_devices()
                .deactivate(ACCOUNT, &missing, &to_user("alice"))
        }),
        &StoreError::not_found(EntityKind::MfaDevice, &missing),
        "deactivating a missing device",
    )?;
    ensure_eq!(stored(store, &phone.serial_number)?, phone);

    store.write(|tx| {
        tx.mfa_devices().deactivate(
            ACCOUNT,
            &phone.serial_number.to_uppercase(),
            &to_user("ALICE"),
        )
    })?;
    // Unassigned, without an enable date; the last accepted step is kept.
    let mut deactivated = phone.clone();
    deactivated.assignment = None;
    deactivated.enable_date = None;
    ensure_eq!(stored(store, &phone.serial_number)?, deactivated);
    ensure_eq!(
        assigned_to(store, &to_user("alice"))?,
        [key.serial_number.as_str(), tablet.serial_number.as_str()]
    );
    store.write(|tx| {
        tx.mfa_devices()
            .deactivate(ACCOUNT, &root.serial_number, &MfaAssignment::Root)
    })?;
    ensure_eq!(
        assigned_to(store, &MfaAssignment::Root)?,
        Vec::<String>::new()
    );
    // Deactivated, a device can be enabled for someone else.
    store.write(|tx| {
        tx.mfa_devices()
            .enable(ACCOUNT, &phone.serial_number, &to_user("bob"), 700, 70)
    })?;
    ensure_eq!(
        stored(store, &phone.serial_number)?,
        enabled(phone.clone(), to_user("bob"), 700, 70)
    );
    ensure_eq!(
        assigned_to(store, &to_user("Bob"))?,
        [phone.serial_number.as_str()]
    );
    Ok(())
}

pub(super) fn quota_per_owner(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    store.write(|tx| tx.users().create(&user(ACCOUNT, "bob")))?;
    let quota = StoreError::mfa_device_quota_exceeded();
    for (owner, prefix) in [(to_user("alice"), "alice"), (MfaAssignment::Root, "root")] {
        for n in 0..=MFA_DEVICES_PER_USER {
            let device = mfa_device(ACCOUNT, "/", &format!("{prefix}-{n}"));
            store.write(|tx| tx.mfa_devices().create(&device))?;
            let enable = store.write(|tx| {
                tx.mfa_devices()
                    .enable(ACCOUNT, &device.serial_number, &owner, 10, 1)
            });
            if n < MFA_DEVICES_PER_USER {
                enable?;
            } else {
                ensure_error(enable, &quota, "one MFA device past the quota")?;
                ensure_eq!(stored(store, &device.serial_number)?.assignment, None);
            }
        }
        ensure_eq!(assigned_to(store, &owner)?.len(), MFA_DEVICES_PER_USER);
    }
    // Other owners are unaffected, and deactivating frees a slot.
    let bobs = mfa_device(ACCOUNT, "/", "bob-0");
    store.write(|tx| tx.mfa_devices().create(&bobs))?;
    store.write(|tx| {
        tx.mfa_devices()
            .enable(ACCOUNT, &bobs.serial_number, &to_user("bob"), 10, 1)
    })?;
    let first = mfa_serial(ACCOUNT, "/", "alice-0");
    let last = mfa_serial(ACCOUNT, "/", &format!("alice-{MFA_DEVICES_PER_USER}"));
    store.write(|tx| {
        tx.mfa_devices()
            .deactivate(ACCOUNT, &first, &to_user("alice"))
    })?;
    store.write(|tx| {
        tx.mfa_devices()
            .enable(ACCOUNT, &last, &to_user("alice"), 20, 2)
    })?;
    ensure_error(
        store.write(|tx| {
            tx.mfa_devices()
                .enable(ACCOUNT, &first, &to_user("alice"), 30, 3)
        }),
        &quota,
        "re-enabling the freed device once the slot is taken",
    )?;
    Ok(())
}

pub(super) fn set_last_step(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    let phone = mfa_device(ACCOUNT, "/", "phone");
    store.write(|tx| tx.mfa_devices().create(&phone))?;
    store.write(|tx| {
        tx.mfa_devices()
            .enable(ACCOUNT, &phone.serial_number, &to_user("alice"), 100, 10)
    })?;
    let before = store.generation()?;
    store.write(|tx| {
        tx.mfa_devices()
            .set_last_step(ACCOUNT, &phone.serial_number.to_uppercase(), 12)
    })?;
    ensure!(
        store.generation()? > before,
        "set_last_step did not bump the generation"
    );
    ensure_eq!(
        stored(store, &phone.serial_number)?,
        enabled(phone.clone(), to_user("alice"), 100, 12)
    );
    // Unassigned devices record it too.
    let spare = mfa_device(ACCOUNT, "/", "spare");
    store.write(|tx| tx.mfa_devices().create(&spare))?;
    store.write(|tx| {
        tx.mfa_devices()
            .set_last_step(ACCOUNT, &spare.serial_number, 7)
    })?;
    ensure_eq!(stored(store, &spare.serial_number)?.last_step, Some(7));
    let missing = mfa_serial(ACCOUNT, "/", "missing");
    ensure_error(
        store.write(|tx| tx.mfa_devices().set_last_step(ACCOUNT, &missing, 1)),
        &StoreError::not_found(EntityKind::MfaDevice, &missing),
        "the last step of a missing device",
    )?;
    ensure_error(
        store.write(|tx| {
            tx.mfa_devices()
                .set_last_step(OTHER_ACCOUNT, &phone.serial_number, 1)
        }),
        &StoreError::not_found(EntityKind::MfaDevice, &phone.serial_number),
        "the last step of another account's device",
    )?;
    Ok(())
}

/// The tag operations of MFA devices, by serial number.
const DEVICE_TAGS: Taggable = Taggable {
    kind: EntityKind::MfaDevice,
    tag: |tx, serial, tags| tx.mfa_devices().tag(ACCOUNT, serial, tags),
    untag: |tx, serial, keys| tx.mfa_devices().untag(ACCOUNT, serial, keys),
    tags: |tx, serial| {
        Ok(tx
            .mfa_devices()
            .get(ACCOUNT, serial)?
            .map(|device| device.tags))
    },
};

pub(super) fn tags_merge_and_are_limited(store: &dyn Store) -> Result<(), Failure> {
    store.write(|tx| tx.accounts().create(&account(ACCOUNT)))?;
    let mut phone = mfa_device(ACCOUNT, "/", "phone");
    phone.tags = vec![tag("Dept", "a"), tag("env", "x")];
    store.write(|tx| tx.mfa_devices().create(&phone))?;
    check_tags_merge_and_are_limited(store, &DEVICE_TAGS, &phone.serial_number)
}

pub(super) fn delete_conflicts(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    let mut phone = mfa_device(ACCOUNT, "/", "phone");
    phone.tags = vec![tag("k", "v")];
    store.write(|tx| tx.mfa_devices().create(&phone))?;
    let serial = phone.serial_number.clone();
    for owner in [to_user("alice"), MfaAssignment::Root] {
        store.write(|tx| tx.mfa_devices().enable(ACCOUNT, &serial, &owner, 100, 10))?;
        ensure_error(
            store.write(|tx| tx.mfa_devices().delete(ACCOUNT, &serial)),
            &StoreError::assigned_mfa_device_conflict(),
            "deleting an assigned MFA device",
        )?;
        ensure_eq!(
            stored(store, &serial)?,
            enabled(phone.clone(), owner.clone(), 100, 10)
        );
        store.write(|tx| tx.mfa_devices().deactivate(ACCOUNT, &serial, &owner))?;
    }

    let before = store.generation()?;
    store.write(|tx| tx.mfa_devices().delete(ACCOUNT, &serial.to_uppercase()))?;
    ensure!(
        store.generation()? > before,
        "deleting an MFA device did not bump the generation"
    );
    ensure_eq!(
        store.read(|tx| tx.mfa_devices().get(ACCOUNT, &serial))?,
        None
    );
    ensure_error(
        store.write(|tx| tx.mfa_devices().delete(ACCOUNT, &serial)),
        &StoreError::not_found(EntityKind::MfaDevice, &serial),
        "deleting a deleted MFA device",
    )?;
    ensure_error(
        store.write(|tx| tx.mfa_devices().tag(ACCOUNT, &serial, &[tag("k", "v")])),
        &StoreError::not_found(EntityKind::MfaDevice, &serial),
        "tagging a deleted MFA device",
    )?;
    // The name can be used again, and no old tags, assignment or step resurface.
    let again = mfa_device(ACCOUNT, "/", "Phone");
    store.write(|tx| tx.mfa_devices().create(&again))?;
    ensure_eq!(stored(store, &serial)?, again);
    Ok(())
}

pub(super) fn assignments_follow_user_renames(store: &dyn Store) -> Result<(), Failure> {
    account_with_user(store, "alice")?;
    let phone = mfa_device(ACCOUNT, "/", "phone");
    store.write(|tx| tx.mfa_devices().create(&phone))?;
    store.write(|tx| {
        tx.mfa_devices()
            .enable(ACCOUNT, &phone.serial_number, &to_user("alice"), 100, 10)
    })?;
    let update = UserUpdate {
        user_name: "Alicia".to_owned(),
        path: "/".to_owned(),
        arn: format!("arn:aws:iam::{ACCOUNT}:user/Alicia"),
    };
    store.write(|tx| tx.users().update(ACCOUNT, "alice", &update))?;
    ensure_eq!(
        stored(store, &phone.serial_number)?,
        enabled(phone.clone(), to_user("Alicia"), 100, 10)
    );
    ensure_eq!(assigned_to(store, &to_user("alice"))?, Vec::<String>::new());
    ensure_eq!(
        assigned_to(store, &to_user("alicia"))?,
        [phone.serial_number.as_str()]
    );
    ensure_error(
        store.write(|tx| tx.users().delete(ACCOUNT, "alicia")),
        &StoreError::mfa_device_conflict(),
        "deleting the renamed user with an MFA device",
    )?;
    store.write(|tx| {
        tx.mfa_devices()
            .deactivate(ACCOUNT, &phone.serial_number, &to_user("Alicia"))
    })?;
    store.write(|tx| tx.users().delete(ACCOUNT, "alicia"))?;
    // The device stays, unassigned.
    let mut unassigned = phone.clone();
    unassigned.last_step = Some(10);
    ensure_eq!(stored(store, &phone.serial_number)?, unassigned);
    Ok(())
}
