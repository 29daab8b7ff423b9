//! AssumeRoleWithSAML end to end, in process: responses of a test IdP (its key and metadata in
//! `data/saml_idp`, made by `make.sh`) signed here at run time, accepted when everything
//! holds, and refused when a signed value is changed, when the signature is wrapped
//! (assertions added, moved, or a signature covering something else), when the assertion is
//! expired, addressed elsewhere, names another role, or the trust policy's `saml:*`
//! conditions do not hold.
#![allow(
    clippy::indexing_slicing,
    clippy::string_slice,
    reason = "test code: a failure should panic"
)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use base64::Engine as _;
use bergshamra_dsig::DsigContext;
use bergshamra_keys::{KeysManager, loader};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

use crate::sessions::{ACCOUNT, World, code, element, encoded};

/// The test IdP's metadata (entity `https://idp.warden.test/saml`).
pub(crate) const METADATA: &str = include_str!("data/saml_idp/metadata.xml");
const IDP_KEY: &str = include_str!("data/saml_idp/idp_key.pem");
const OTHER_KEY: &str = include_str!("data/saml_idp/other_key.pem");
const ISSUER: &str = "https://idp.warden.test/saml";
const PROVIDER: &str = "arn:aws:iam::123456789012:saml-provider/TestIdP";
const ROLE: &str = "arn:aws:iam::123456789012:role/SamlAdmins";
const SIGN_IN: &str = "https://signin.aws.amazon.com/saml";

/// What the test IdP asserts; [`Claims::default`] is a valid assertion for [`ROLE`].
#[derive(Clone)]
struct Claims {
    subject: String,
    recipient: String,
    audience: String,
    /// Seconds from now until the assertion expires.
    lifetime: i64,
    roles: Vec<String>,
    session_name: Option<String>,
    extra_attributes: String,
}

impl Default for Claims {
    fn default() -> Self {
        Self {
            subject: "alice@warden.test".to_owned(),
            recipient: SIGN_IN.to_owned(),
            audience: "urn:amazon:webservices".to_owned(),
            lifetime: 300,
            roles: vec![format!("{ROLE},{PROVIDER}")],
            session_name: Some("alice".to_owned()),
            extra_attributes: String::new(),
        }
    }
}

fn iso(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).unwrap().to_string()
}

/// An XML-DSig template for the element with ID `id`.
fn signature_template(id: &str) -> String {
    format!(
        r##"<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><ds:Reference URI="#{id}"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue></ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue></ds:SignatureValue></ds:Signature>"##
    )
}

/// The assertion `id` with these claims at `now`, with `signature` after its issuer.
fn assertion(id: &str, claims: &Claims, now: i64, signature: &str) -> String {
    let until = iso(now + claims.lifetime);
    let values: String = claims
        .roles
        .iter()
        .map(|pair| format!("<saml:AttributeValue>{pair}</saml:AttributeValue>"))
        .collect();
    let session = claims.session_name.as_ref().map_or_else(String::new, |name| {
        format!(r#"<saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName"><saml:AttributeValue>{name}</saml:AttributeValue></saml:Attribute>"#)
    });
    format!(
        r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="{id}" Version="2.0" IssueInstant="{now}"><saml:Issuer>{ISSUER}</saml:Issuer>{signature}<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent">{subject}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient="{recipient}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{before}" NotOnOrAfter="{until}"><saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{now}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement><saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">{values}</saml:Attribute>{session}{extra}</saml:AttributeStatement></saml:Assertion>"#,
        now = iso(now),
        before = iso(now - 60),
        subject = claims.subject,
        recipient = claims.recipient,
        audience = claims.audience,
        extra = claims.extra_attributes,
    )
}

/// A response `_r1` holding `inner` (after its status), with `signature` after its issuer.
fn response(inner: &str, now: i64, signature: &str) -> String {
    format!(
        r#"<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r1" Version="2.0" IssueInstant="{now}" Destination="{SIGN_IN}"><saml:Issuer>{ISSUER}</saml:Issuer>{signature}<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>{inner}</samlp:Response>"#,
        now = iso(now)
    )
}

/// Signs the template `xml` (its empty digest and signature values) with `key_pem`.
fn sign(xml: &str, key_pem: &str) -> String {
    let mut keys = KeysManager::new();
    keys.add_key(loader::load_pem_auto(key_pem.as_bytes(), None).unwrap());
    bergshamra_dsig::sign::sign(&DsigContext::new_permissive(keys), xml).unwrap()
}

/// A response whose assertion `_a1` is signed by the IdP.
fn signed_assertion(claims: &Claims, now: i64) -> String {
    sign(
        &response(
            &assertion("_a1", claims, now, &signature_template("_a1")),
            now,
            "",
        ),
        IDP_KEY,
    )
}

/// A response of the test IdP for `role_arn` (and provider `TestIdP`) at `now`, its
/// assertion signed, base64-encoded as AssumeRoleWithSAML takes it.
pub(crate) fn encoded_response(role_arn: &str, now: i64) -> String {
    let claims = Claims {
        roles: vec![format!("{role_arn},{PROVIDER}")],
        ..Claims::default()
    };
    base64::engine::general_purpose::STANDARD.encode(signed_assertion(&claims, now))
}

/// A trust policy allowing `sts:AssumeRoleWithSAML` to provider `TestIdP` with these
/// conditions (a JSON object, or empty).
pub(crate) fn trust_policy(conditions: &str) -> String {
    let condition = if conditions.is_empty() {
        String::new()
    } else {
        format!(r#","Condition":{conditions}"#)
    };
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{PROVIDER}"}},"Action":"sts:AssumeRoleWithSAML"{condition}}}]}}"#
    )
}

/// Calls AssumeRoleWithSAML (unsigned) with `xml` as the SAML response.
async fn assume(world: &World, xml: &str, extra: &str) -> (StatusCode, String) {
    let saml = base64::engine::general_purpose::STANDARD.encode(xml);
    let body = format!(
        "Action=AssumeRoleWithSAML&Version=2011-06-15&RoleArn={}&PrincipalArn={}&SAMLAssertion={}{extra}",
        encoded(ROLE),
        encoded(PROVIDER),
        encoded(&saml)
    );
    let request = Request::builder()
        .method("POST")
        .uri("/")
        .header("host", "127.0.0.1")
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(Body::from(body))
        .unwrap();
    let response = world.app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(body.to_vec()).unwrap())
}

/// A world with the test IdP as provider `TestIdP` and role `SamlAdmins` trusting it with
/// these extra trust conditions (a JSON object, or empty).
async fn federated_world(conditions: &str) -> World {
    let world = World::new().await;
    world
        .root(&format!(
            "Action=CreateSAMLProvider&Name=TestIdP&SAMLMetadataDocument={}",
            encoded(METADATA)
        ))
        .await;
    let trust = trust_policy(conditions);
    world
        .root(&format!(
            "Action=CreateRole&RoleName=SamlAdmins&AssumeRolePolicyDocument={}",
            encoded(&trust)
        ))
        .await;
    world
        .root(&format!(
            "Action=PutRolePolicy&RoleName=SamlAdmins&PolicyName=read&PolicyDocument={}",
            encoded(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListRoles","Resource":"*"}]}"#)
        ))
        .await;
    world
}

fn assert_refused(answer: &(StatusCode, String), status: StatusCode, error: &str, message: &str) {
    assert_eq!(answer.0, status, "{}", answer.1);
    assert_eq!(code(&answer.1), error, "{}", answer.1);
    assert_eq!(element(&answer.1, "Message"), message, "{}", answer.1);
}

fn assert_bad_signature(answer: &(StatusCode, String)) {
    assert_refused(
        answer,
        StatusCode::BAD_REQUEST,
        "InvalidIdentityToken",
        "Response signature invalid",
    );
}

#[tokio::test]
async fn a_signed_assertion_gives_a_role_session() {
    let world = federated_world("").await;
    let now = world.now();
    let answer = assume(&world, &signed_assertion(&Claims::default(), now), "").await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    let body = &answer.1;
    assert_eq!(element(body, "Subject"), "alice@warden.test");
    assert_eq!(element(body, "SubjectType"), "persistent");
    assert_eq!(element(body, "Issuer"), ISSUER);
    assert_eq!(element(body, "Audience"), SIGN_IN);
    assert_eq!(
        element(body, "Arn"),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/SamlAdmins/alice")
    );
    // base64(SHA-1(issuer + account + "/" + provider name)), as AWS documents it.
    assert_eq!(
        element(body, "NameQualifier"),
        "KQEwOXXlNN+1gcUSX2KhA5y/tFE=",
        "{body}"
    );
    let keys = World::session(body);
    let (status, identity) = world.sts(&keys, "Action=GetCallerIdentity").await;
    assert_eq!(status, StatusCode::OK, "{identity}");
    assert_eq!(
        element(&identity, "Arn"),
        format!("arn:aws:sts::{ACCOUNT}:assumed-role/SamlAdmins/alice")
    );
    // The session has the role's permissions.
    let (status, listed) = world
        .call(&keys, "iam", "Version=2010-05-08&Action=ListRoles")
        .await;
    assert_eq!(status, StatusCode::OK, "{listed}");
    // The AssumeRoleWithSAML event is the SAML user's, in the role's account.
    let events = world.events();
    let event = events
        .iter()
        .find(|event| event["eventName"] == "AssumeRoleWithSAML")
        .unwrap();
    assert_eq!(event["userIdentity"]["type"], "SAMLUser", "{event}");
    assert_eq!(event["userIdentity"]["userName"], "alice@warden.test");
    assert_eq!(event["recipientAccountId"], ACCOUNT);
}

#[tokio::test]
async fn a_signed_response_covers_its_assertion() {
    let world = federated_world("").await;
    let now = world.now();
    let xml = sign(
        &response(
            &assertion("_a1", &Claims::default(), now, ""),
            now,
            &signature_template("_r1"),
        ),
        IDP_KEY,
    );
    let answer = assume(&world, &xml, "").await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
}

#[tokio::test]
async fn a_changed_signed_value_or_another_signer_is_refused() {
    let world = federated_world("").await;
    let now = world.now();
    let signed = signed_assertion(&Claims::default(), now);
    let tampered = signed.replace(
        "<saml:AttributeValue>alice</saml:AttributeValue>",
        "<saml:AttributeValue>mallory</saml:AttributeValue>",
    );
    assert_ne!(tampered, signed);
    assert_bad_signature(&assume(&world, &tampered, "").await);
    let other = sign(
        &response(
            &assertion("_a1", &Claims::default(), now, &signature_template("_a1")),
            now,
            "",
        ),
        OTHER_KEY,
    );
    assert_bad_signature(&assume(&world, &other, "").await);
    // An unsigned response is refused too.
    let unsigned = response(&assertion("_a1", &Claims::default(), now, ""), now, "");
    assert_bad_signature(&assume(&world, &unsigned, "").await);
}

#[tokio::test]
async fn wrapped_signatures_are_refused() {
    let world = federated_world("").await;
    let now = world.now();
    let signed = signed_assertion(&Claims::default(), now);
    let genuine_start = signed.find("<saml:Assertion").unwrap();
    let genuine_end = signed.find("</samlp:Response>").unwrap();
    let genuine = &signed[genuine_start..genuine_end];
    let evil_claims = Claims {
        subject: "mallory@evil.test".to_owned(),
        session_name: Some("mallory".to_owned()),
        ..Claims::default()
    };
    let evil = assertion("_evil", &evil_claims, now, "");

    // An unsigned evil assertion beside the signed one, before or after it.
    for both in [format!("{evil}{genuine}"), format!("{genuine}{evil}")] {
        let wrapped = response(&both, now, "");
        let answer = assume(&world, &wrapped, "").await;
        assert_eq!(answer.0, StatusCode::BAD_REQUEST, "{}", answer.1);
        assert_eq!(code(&answer.1), "InvalidIdentityToken");
    }
    // The signed assertion moved under Extensions, the evil one in its place.
    let moved = response(
        &evil,
        now,
        &format!("<samlp:Extensions>{genuine}</samlp:Extensions>"),
    );
    let answer = assume(&world, &moved, "").await;
    assert_eq!(answer.0, StatusCode::BAD_REQUEST, "{}", answer.1);
    assert_eq!(code(&answer.1), "InvalidIdentityToken");
    // The evil assertion carrying the genuine one's ID (duplicate IDs).
    let same_id = response(
        &format!("{}{genuine}", assertion("_a1", &evil_claims, now, "")),
        now,
        "",
    );
    assert_eq!(
        assume(&world, &same_id, "").await.0,
        StatusCode::BAD_REQUEST
    );
    // A response signature covering another element (an Extensions with an ID), over an
    // unsigned evil assertion.
    let elsewhere = sign(
        &response(
            &evil,
            now,
            &format!(
                r#"{}<samlp:Extensions ID="_x1"><saml:Issuer>{ISSUER}</saml:Issuer></samlp:Extensions>"#,
                signature_template("_x1")
            ),
        ),
        IDP_KEY,
    );
    assert_bad_signature(&assume(&world, &elsewhere, "").await);
}

#[tokio::test]
async fn values_are_read_whole_from_the_signed_assertion() {
    let world = federated_world("").await;
    let now = world.now();
    let claims = Claims {
        subject: "admin@warden.test.evil.test".to_owned(),
        ..Claims::default()
    };
    // Canonicalization drops comments, so the signature still verifies; the subject read is
    // the whole text, not the part before the comment.
    let signed = signed_assertion(&claims, now).replace(
        "admin@warden.test.evil.test",
        "admin@warden.test<!---->.evil.test",
    );
    let answer = assume(&world, &signed, "").await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    assert_eq!(element(&answer.1, "Subject"), "admin@warden.test.evil.test");
}

#[tokio::test]
async fn expired_or_misaddressed_assertions_are_refused() {
    let world = federated_world("").await;
    let now = world.now();
    let signed = signed_assertion(&Claims::default(), now);
    world.advance(301);
    assert_refused(
        &assume(&world, &signed, "").await,
        StatusCode::BAD_REQUEST,
        "ExpiredTokenException",
        "SAML assertion has expired",
    );
    let now = world.now();
    let elsewhere = Claims {
        recipient: "https://sp.evil.test/saml".to_owned(),
        ..Claims::default()
    };
    assert_refused(
        &assume(&world, &signed_assertion(&elsewhere, now), "").await,
        StatusCode::BAD_REQUEST,
        "InvalidIdentityToken",
        "Response does not contain the required audience.",
    );
    let other_audience = Claims {
        audience: "https://sp.evil.test".to_owned(),
        ..Claims::default()
    };
    assert_eq!(
        code(
            &assume(&world, &signed_assertion(&other_audience, now), "")
                .await
                .1
        ),
        "InvalidIdentityToken"
    );
    // A regional sign-in endpoint is AWS's too.
    let regional = Claims {
        recipient: "https://eu-west-1.signin.aws.amazon.com/saml".to_owned(),
        ..Claims::default()
    };
    let answer = assume(&world, &signed_assertion(&regional, now), "").await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
}

#[tokio::test]
async fn the_role_attribute_and_the_session_name_decide() {
    let world = federated_world("").await;
    let now = world.now();
    let other_role = Claims {
        roles: vec![format!("arn:aws:iam::{ACCOUNT}:role/Other,{PROVIDER}")],
        ..Claims::default()
    };
    assert_refused(
        &assume(&world, &signed_assertion(&other_role, now), "").await,
        StatusCode::FORBIDDEN,
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithSAML",
    );
    // Either order of the pair names the role.
    let reversed = Claims {
        roles: vec![format!("{PROVIDER},{ROLE}")],
        ..Claims::default()
    };
    assert_eq!(
        assume(&world, &signed_assertion(&reversed, now), "")
            .await
            .0,
        StatusCode::OK
    );
    let nameless = Claims {
        session_name: None,
        ..Claims::default()
    };
    assert_refused(
        &assume(&world, &signed_assertion(&nameless, now), "").await,
        StatusCode::BAD_REQUEST,
        "InvalidIdentityToken",
        "RoleSessionName is required in AuthnResponse",
    );
    let bad_name = Claims {
        session_name: Some("a b".to_owned()),
        ..Claims::default()
    };
    assert_refused(
        &assume(&world, &signed_assertion(&bad_name, now), "").await,
        StatusCode::BAD_REQUEST,
        "InvalidIdentityToken",
        "RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}",
    );
    // Session policies and duration as AssumeRole.
    let answer = assume(
        &world,
        &signed_assertion(&Claims::default(), now),
        "&DurationSeconds=43200",
    )
    .await;
    assert_eq!(code(&answer.1), "ValidationError", "{}", answer.1);
    let answer = assume(
        &world,
        &signed_assertion(&Claims::default(), now),
        &format!("&Policy={}", encoded("{not json")),
    )
    .await;
    assert_eq!(code(&answer.1), "MalformedPolicyDocument", "{}", answer.1);
}

#[tokio::test]
async fn trust_conditions_see_the_saml_keys() {
    let world = federated_world(
        r#"{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml","saml:sub":"alice@warden.test","saml:sub_type":"persistent","saml:iss":"https://idp.warden.test/saml"},"ForAnyValue:StringEquals":{"saml:edupersonaffiliation":"staff"}}"#,
    )
    .await;
    let now = world.now();
    let staff = Claims {
        extra_attributes: r#"<saml:Attribute Name="urn:oid:1.3.6.1.4.1.5923.1.1.1.1"><saml:AttributeValue>member</saml:AttributeValue><saml:AttributeValue>staff</saml:AttributeValue></saml:Attribute>"#.to_owned(),
        ..Claims::default()
    };
    let answer = assume(&world, &signed_assertion(&staff, now), "").await;
    assert_eq!(answer.0, StatusCode::OK, "{}", answer.1);
    let student = Claims {
        extra_attributes: staff.extra_attributes.replace("staff", "student"),
        ..Claims::default()
    };
    assert_refused(
        &assume(&world, &signed_assertion(&student, now), "").await,
        StatusCode::FORBIDDEN,
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithSAML",
    );
    let bob = Claims {
        subject: "bob@warden.test".to_owned(),
        ..staff
    };
    assert_eq!(
        assume(&world, &signed_assertion(&bob, now), "").await.0,
        StatusCode::FORBIDDEN
    );
}
