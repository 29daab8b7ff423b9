"""Organizations through real clients: the README's walkthrough (create an account, assume
OrganizationAccountAccessRole into it, an SCP on its OU denies a call with AWS's message),
an SCP on a parent OU capping an account two levels down, the management account not bound,
and the AWS CLI creating and listing accounts. The organization belongs to the shared
server's root account; it is deleted (members removed first) when the module ends."""

import json
import subprocess
import time
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNT_ID, aws_cli, client, warden_binary


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


DENY_CREATE_USER = {"Effect": "Deny", "Action": "iam:CreateUser", "Resource": "*"}


@pytest.fixture(scope="module")
def org(server):
    """The root account's organization with SCPs enabled: (client, root id); torn down."""
    orgs = client("organizations", server.endpoint)
    created = orgs.create_organization(FeatureSet="ALL")["Organization"]
    assert created["MasterAccountId"] == ACCOUNT_ID
    root_id = orgs.list_roots()["Roots"][0]["Id"]
    orgs.enable_policy_type(RootId=root_id, PolicyType="SERVICE_CONTROL_POLICY")
    try:
        yield orgs, root_id
    finally:
        for account in orgs.list_accounts()["Accounts"]:
            if account["Id"] != ACCOUNT_ID:
                orgs.remove_account_from_organization(AccountId=account["Id"])
        orgs.delete_organization()


@pytest.fixture(scope="module")
def admin(server):
    """A management-account user allowed everything: its key pair."""
    iam = client("iam", server.endpoint)
    name = unique("org-admin")
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="all",
                        PolicyDocument=policy({"Effect": "Allow", "Action": "*", "Resource": "*"}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    yield key["AccessKeyId"], key["SecretAccessKey"]
    iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    iam.delete_user_policy(UserName=name, PolicyName="all")
    iam.delete_user(UserName=name)


def create_account(orgs, name: str) -> str:
    status = orgs.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]
    # Asynchronous in AWS: poll as a client must.
    for _ in range(20):
        status = orgs.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]
        if status["State"] != "IN_PROGRESS":
            break
        time.sleep(0.1)
    assert status["State"] == "SUCCEEDED", status
    return status["AccountId"]


def assume_into(server, admin, account: str):
    sts = client("sts", server.endpoint, *admin)
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
        RoleSessionName="ops",
    )["Credentials"]
    return lambda service: client(service, server.endpoint, credentials["AccessKeyId"],
                                  credentials["SecretAccessKey"], credentials["SessionToken"])


def scp(orgs, statement: dict, target: str) -> str:
    policy_id = orgs.create_policy(
        Name=unique("scp"), Description="e2e", Type="SERVICE_CONTROL_POLICY",
        Content=policy(statement),
    )["Policy"]["PolicySummary"]["Id"]
    orgs.attach_policy(PolicyId=policy_id, TargetId=target)
    return policy_id


def move(orgs, account: str, source: str, destination: str):
    orgs.move_account(AccountId=account, SourceParentId=source, DestinationParentId=destination)


def test_walkthrough_an_scp_on_the_accounts_ou_denies_with_awss_message(server, org, admin):
    orgs, root_id = org
    account = create_account(orgs, unique("workload"))
    described = orgs.describe_account(AccountId=account)["Account"]
    assert described["Status"] == "ACTIVE" and described["JoinedMethod"] == "CREATED"

    member = assume_into(server, admin, account)
    identity = member("sts").get_caller_identity()
    assert identity["Account"] == account
    assert identity["Arn"] == f"arn:aws:sts::{account}:assumed-role/OrganizationAccountAccessRole/ops"
    created = member("iam").create_user(UserName=unique("before"))["User"]
    assert created["Arn"].startswith(f"arn:aws:iam::{account}:user/")

    unit = orgs.create_organizational_unit(ParentId=root_id, Name=unique("ou"))["OrganizationalUnit"]["Id"]
    move(orgs, account, root_id, unit)
    scp(orgs, DENY_CREATE_USER, unit)
    name = unique("after")
    with pytest.raises(ClientError) as denied:
        member("iam").create_user(UserName=name)
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    assert denied.value.response["Error"]["Message"] == (
        f"User: arn:aws:sts::{account}:assumed-role/OrganizationAccountAccessRole/ops is not authorized "
        f"to perform: iam:CreateUser on resource: arn:aws:iam::{account}:user/{name} "
        "with an explicit deny in a service control policy"
    )

    # The management account is not bound, even by an SCP on the root.
    scp(orgs, DENY_CREATE_USER, root_id)
    iam = client("iam", server.endpoint, *admin)
    free = unique("free")
    iam.create_user(UserName=free)
    iam.delete_user(UserName=free)
    for target in (root_id, unit):
        for attached in orgs.list_policies_for_target(TargetId=target, Filter="SERVICE_CONTROL_POLICY")["Policies"]:
            if not attached["AwsManaged"]:
                orgs.detach_policy(PolicyId=attached["Id"], TargetId=target)
                orgs.delete_policy(PolicyId=attached["Id"])


def test_an_scp_on_a_parent_ou_caps_an_account_two_levels_down(server, org, admin):
    orgs, root_id = org
    account = create_account(orgs, unique("deep"))
    upper = orgs.create_organizational_unit(ParentId=root_id, Name=unique("upper"))["OrganizationalUnit"]["Id"]
    lower = orgs.create_organizational_unit(ParentId=upper, Name=unique("lower"))["OrganizationalUnit"]["Id"]
    move(orgs, account, root_id, lower)
    assert orgs.list_parents(ChildId=account)["Parents"] == [{"Id": lower, "Type": "ORGANIZATIONAL_UNIT"}]
    member = assume_into(server, admin, account)
    policy_id = scp(orgs, DENY_CREATE_USER, upper)
    with pytest.raises(ClientError) as denied:
        member("iam").create_user(UserName=unique("capped"))
    assert "with an explicit deny in a service control policy" in denied.value.response["Error"]["Message"]
    member("iam").list_users()  # everything else stays allowed
    # Detached, the cap is gone on the next request.
    orgs.detach_policy(PolicyId=policy_id, TargetId=upper)
    member("iam").create_user(UserName=unique("uncapped"))
    orgs.delete_policy(PolicyId=policy_id)


def test_depth_limit_and_management_only_operations(server, org, admin):
    orgs, root_id = org
    parent = root_id
    for level in range(5):
        parent = orgs.create_organizational_unit(ParentId=parent, Name=f"level-{level}")["OrganizationalUnit"]["Id"]
    with pytest.raises(ClientError) as too_deep:
        orgs.create_organizational_unit(ParentId=parent, Name="level-6")
    assert too_deep.value.response["Error"]["Code"] == "ConstraintViolationException"
    assert too_deep.value.response["Reason"] == "OU_DEPTH_LIMIT_EXCEEDED"
    account = create_account(orgs, unique("member"))
    member = assume_into(server, admin, account)
    with pytest.raises(ClientError) as refused:
        member("organizations").list_accounts()
    assert refused.value.response["Error"]["Code"] == "AccessDeniedException"
    assert member("organizations").describe_organization()["Organization"]["MasterAccountId"] == ACCOUNT_ID


def test_the_aws_cli_creates_and_lists_accounts(server, org):
    name = unique("cli")
    created = aws_cli(server.endpoint, "organizations", "create-account",
                      "--email", f"{name}@example.com", "--account-name", name)
    assert created.returncode == 0, created.stderr
    request_id = json.loads(created.stdout)["CreateAccountStatus"]["Id"]
    status = aws_cli(server.endpoint, "organizations", "describe-create-account-status",
                     "--create-account-request-id", request_id)
    assert status.returncode == 0, status.stderr
    account = json.loads(status.stdout)["CreateAccountStatus"]["AccountId"]
    listed = aws_cli(server.endpoint, "organizations", "list-accounts")
    assert listed.returncode == 0, listed.stderr
    names = {a["Id"]: a["Name"] for a in json.loads(listed.stdout)["Accounts"]}
    assert names[account] == name


def test_warden_account_list_shows_the_organization(server, org):
    orgs, _ = org
    name = unique("listed")
    account = create_account(orgs, name)
    listed = subprocess.run([warden_binary(), "account", "list", "--data-dir", str(server.data_dir)],
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split()[:2] == ["ACCOUNT", "ID"]
    member = next(line for line in lines if line.startswith(account))
    assert name in member and "member" in member
    management = next(line for line in lines if line.startswith(ACCOUNT_ID))
    assert "management" in management
