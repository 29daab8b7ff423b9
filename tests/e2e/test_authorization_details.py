"""GetAccountAuthorizationDetails as security tools consume it: boto3's paginator reads
every user, group, role and policy, and `cloudsplaining scan` (a real IAM assessment tool)
finds the over-privileged policy created here."""

import json
import subprocess
import sys
from pathlib import Path


RISKY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["iam:PassRole", "iam:CreateAccessKey", "s3:GetObject"], "Resource": "*"},
    ],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def all_details(iam):
    merged = {"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": []}
    for page in iam.get_paginator("get_account_authorization_details").paginate(PaginationConfig={"PageSize": 2}):
        for key in merged:
            merged[key].extend(page.get(key, []))
    return merged


def test_details_list_everything_and_cloudsplaining_finds_the_risky_policy(iam, tmp_path):
    arn = iam.create_policy(PolicyName="TooBroad", PolicyDocument=json.dumps(RISKY))["Policy"]["Arn"]
    iam.create_group(GroupName="auditors")
    iam.create_user(UserName="broad-user")
    iam.add_user_to_group(GroupName="auditors", UserName="broad-user")
    iam.attach_user_policy(UserName="broad-user", PolicyArn=arn)
    iam.put_group_policy(GroupName="auditors", PolicyName="inline", PolicyDocument=json.dumps(RISKY))
    iam.create_role(RoleName="ec2-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="ec2-role", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    try:
        details = all_details(iam)
        user = next(u for u in details["UserDetailList"] if u["UserName"] == "broad-user")
        assert user["GroupList"] == ["auditors"]
        assert user["AttachedManagedPolicies"] == [{"PolicyName": "TooBroad", "PolicyArn": arn}]
        group = next(g for g in details["GroupDetailList"] if g["GroupName"] == "auditors")
        assert group["GroupPolicyList"][0]["PolicyDocument"] == RISKY
        role = next(r for r in details["RoleDetailList"] if r["RoleName"] == "ec2-role")
        assert role["AssumeRolePolicyDocument"] == TRUST
        policies = {p["Arn"]: p for p in details["Policies"]}
        assert policies[arn]["PolicyVersionList"][0]["Document"] == RISKY
        assert policies[arn]["AttachmentCount"] == 1
        assert "arn:aws:iam::aws:policy/ReadOnlyAccess" in policies
        only_roles = iam.get_account_authorization_details(Filter=["Role"])
        assert only_roles["UserDetailList"] == [] and only_roles["RoleDetailList"]
        # The AWS managed policies in use are listed even when users and roles are not.
        only_aws = iam.get_account_authorization_details(Filter=["AWSManagedPolicy"])
        aws_arns = [p["Arn"] for p in only_aws["Policies"]]
        assert "arn:aws:iam::aws:policy/ReadOnlyAccess" in aws_arns
        assert all(a.startswith("arn:aws:iam::aws:policy/") for a in aws_arns)
        # Pages of one item each walk the same entities.
        paged, marker = [], None
        while True:
            page = iam.get_account_authorization_details(MaxItems=1, **({"Marker": marker} if marker else {}))
            paged += [u["UserName"] for u in page["UserDetailList"]]
            if not page["IsTruncated"]:
                break
            marker = page["Marker"]
        assert paged == [u["UserName"] for u in details["UserDetailList"]]

        input_file = tmp_path / "account.json"
        input_file.write_text(json.dumps(details, default=str))
        output = tmp_path / "report"
        output.mkdir()
        tool = Path(sys.executable).parent / "cloudsplaining"
        done = subprocess.run(
            [str(tool), "scan", "--input-file", str(input_file), "--output", str(output), "--skip-open-report"],
            capture_output=True, text=True, timeout=300,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        findings_files = list(output.glob("iam-findings-*.json"))
        assert findings_files, f"no findings in {list(output.iterdir())}: {done.stdout}"
        findings = json.loads(findings_files[0].read_text())
        flagged = {p["PolicyName"]: p for p in findings["customer_managed_policies"].values()}
        assert "TooBroad" in flagged, list(flagged)
        escalation = flagged["TooBroad"].get("PrivilegeEscalation", {})
        assert escalation.get("severity") == "high", flagged["TooBroad"].keys()
        assert flagged["TooBroad"]["AttachedTo"]["users"] == ["broad-user"]
        print(done.stdout)
    finally:
        iam.detach_role_policy(RoleName="ec2-role", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        iam.delete_role(RoleName="ec2-role")
        iam.delete_group_policy(GroupName="auditors", PolicyName="inline")
        iam.detach_user_policy(UserName="broad-user", PolicyArn=arn)
        iam.remove_user_from_group(GroupName="auditors", UserName="broad-user")
        iam.delete_user(UserName="broad-user")
        iam.delete_group(GroupName="auditors")
        iam.delete_policy(PolicyArn=arn)
