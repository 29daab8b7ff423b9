//! A SAML 2.0 `samlp:Response` as `AssumeRoleWithSAML` accepts it: its XML signature verified
//! with the IAM SAML provider's signing certificates by `bergshamra` (an XML-DSig in Rust
//! on aws-lc-rs, run with its SAML hardening: keys from the provider only, never from
//! `KeyInfo`; references only to the signature's ancestors or siblings; duplicate IDs
//! refused), and its claims read from the one `saml:Assertion` a verified signature covers — never from
//! anything the signature does not cover.
//!
//! Signature-wrapping defences, on top of the library's: the document is parsed once (no
//! document type declaration, so no entity of any kind) and the same tree is verified and
//! read; the `Response` holds exactly one `Assertion` (anywhere in the document), as its
//! child; a signature counts only when it is the direct child of the element it signs, its
//! one `Reference` names that element's `ID` and selects exactly it, and its transforms are
//! only `enveloped-signature` and exclusive canonicalization; any signature that does not
//! verify refuses the whole response; text is the whole text of an element (comments, which
//! canonicalization drops, cannot cut a value short), and an element where text is expected
//! must not hold elements.

use base64::Engine as _;
use bergshamra_dsig::{DsigContext, VerifyResult, verify::verify_all_document};
use bergshamra_keys::{KeysManager, loader::load_x509_cert_der};
use bergshamra_xml::uppsala::{self, Document, NodeId, NodeKind};

/// The SAML 2.0 protocol namespace (`samlp:`).
const PROTOCOL: &str = "urn:oasis:names:tc:SAML:2.0:protocol";
/// The SAML 2.0 assertion namespace (`saml:`).
const ASSERTION: &str = "urn:oasis:names:tc:SAML:2.0:assertion";
/// The XML Signature namespace.
const DSIG: &str = "http://www.w3.org/2000/09/xmldsig#";
/// The status of a successful response.
const SUCCESS: &str = "urn:oasis:names:tc:SAML:2.0:status:Success";
/// The bearer subject confirmation method.
const BEARER: &str = "urn:oasis:names:tc:SAML:2.0:cm:bearer";
/// The transforms a SAML signature may use: enveloped-signature and exclusive
/// canonicalization (with or without comments).
const TRANSFORMS: [&str; 3] = [
    "http://www.w3.org/2000/09/xmldsig#enveloped-signature",
    "http://www.w3.org/2001/10/xml-exc-c14n#",
    "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
];

/// Why a response is refused before any claim is looked at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refusal {
    /// Not a SAML response Warden can read (not base64, not XML, not a `samlp:Response`, no
    /// or several assertions, an encrypted assertion, …).
    Malformed(&'static str),
    /// No signature of the provider covers the assertion, or a signature does not verify.
    Signature,
}

/// One `saml:Attribute`: its `Name` and its values' texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Attribute {
    /// `Name`.
    pub(super) name: String,
    /// The texts of its `AttributeValue`s.
    pub(super) values: Vec<String>,
}

/// What a verified assertion says, read only from the signed assertion.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Assertion {
    /// The assertion's `ID`.
    pub(super) id: String,
    /// The assertion's `Issuer`.
    pub(super) issuer: String,
    /// The `Response`'s `Issuer`, when it has one.
    pub(super) response_issuer: Option<String>,
    /// `Subject/NameID`.
    pub(super) name_id: Option<String>,
    /// `Subject/NameID/@Format`.
    pub(super) name_id_format: Option<String>,
    /// The bearer `SubjectConfirmationData`s: (`Recipient`, `NotBefore`, `NotOnOrAfter`).
    pub(super) confirmations: Vec<Confirmation>,
    /// `Conditions/@NotBefore`.
    pub(super) not_before: Option<String>,
    /// `Conditions/@NotOnOrAfter`.
    pub(super) not_on_or_after: Option<String>,
    /// Every `Conditions/AudienceRestriction/Audience`, grouped by restriction.
    pub(super) audience_restrictions: Vec<Vec<String>>,
    /// `AuthnStatement/@SessionNotOnOrAfter`, the earliest.
    pub(super) session_not_on_or_after: Option<String>,
    /// Every attribute of every `AttributeStatement`.
    pub(super) attributes: Vec<Attribute>,
}

/// One bearer `SubjectConfirmationData`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Confirmation {
    /// `Recipient`.
    pub(super) recipient: Option<String>,
    /// `NotBefore`.
    pub(super) not_before: Option<String>,
    /// `NotOnOrAfter`.
    pub(super) not_on_or_after: Option<String>,
}

impl Assertion {
    /// The values of the attribute named `name` (all its occurrences); empty when absent.
    pub(super) fn values(&self, name: &str) -> Vec<&str> {
        self.attributes
            .iter()
            .filter(|attribute| attribute.name == name)
            .flat_map(|attribute| attribute.values.iter().map(String::as_str))
            .collect()
    }

    /// Whether the attribute named `name` is present.
    pub(super) fn has(&self, name: &str) -> bool {
        self.attributes
            .iter()
            .any(|attribute| attribute.name == name)
    }
}

/// Decodes `encoded` (base64 of a `samlp:Response`, whitespace allowed), verifies its
/// signature with `certificates` (DER) and reads the signed assertion.
pub(super) fn read(encoded: &str, certificates: &[Vec<u8>]) -> Result<Assertion, Refusal> {
    let compact: String = encoded
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|_| Refusal::Malformed("the SAML response is not base64"))?;
    let xml = String::from_utf8(bytes).map_err(|_| Refusal::Malformed("not UTF-8"))?;
    let doc = uppsala::Parser::new()
        .with_forbid_dtd(true)
        .parse(&xml)
        .map_err(|_| Refusal::Malformed("not well-formed XML"))?;
    let response = doc
        .document_element()
        .filter(|&node| is(&doc, node, PROTOCOL, "Response"))
        .ok_or(Refusal::Malformed("not a samlp:Response"))?;
    if doc
        .descendants(doc.root())
        .into_iter()
        .any(|node| is(&doc, node, ASSERTION, "EncryptedAssertion"))
    {
        return Err(Refusal::Malformed("encrypted assertions are not supported"));
    }
    let assertions: Vec<NodeId> = doc
        .descendants(doc.root())
        .into_iter()
        .filter(|&node| is(&doc, node, ASSERTION, "Assertion"))
        .collect();
    let &[assertion] = assertions.as_slice() else {
        return Err(Refusal::Malformed("a response holds exactly one assertion"));
    };
    if doc.parent(assertion) != Some(response) {
        return Err(Refusal::Malformed(
            "the assertion is not the response's child",
        ));
    }
    check_status(&doc, response)?;
    let signed = verified_elements(&doc, certificates)?;
    if !signed.contains(&response) && !signed.contains(&assertion) {
        return Err(Refusal::Signature);
    }
    read_assertion(&doc, response, assertion)
}

/// The elements covered by the document's signatures; `Err` unless every signature
/// verifies with the provider's certificates and follows the SAML signature rules.
fn verified_elements(doc: &Document<'_>, certificates: &[Vec<u8>]) -> Result<Vec<NodeId>, Refusal> {
    let mut keys = KeysManager::new();
    for der in certificates {
        if let Ok(key) = load_x509_cert_der(der) {
            keys.add_key(key);
        }
    }
    // Keys from the provider only, reference positions checked, HMAC refused by the
    // certificate-only key set.
    let ctx = DsigContext::new(keys);
    let results = verify_all_document(&ctx, doc).map_err(|_| Refusal::Signature)?;
    let mut signed = Vec::new();
    for result in results {
        let VerifyResult::Valid {
            signature_node,
            references,
            ..
        } = result
        else {
            return Err(Refusal::Signature);
        };
        let parent = doc.parent(signature_node).ok_or(Refusal::Signature)?;
        let [reference] = references.as_slice() else {
            return Err(Refusal::Signature);
        };
        let id = doc.get_attribute(parent, "ID").unwrap_or("");
        if id.is_empty()
            || reference.uri != format!("#{id}")
            || reference.resolved_node != Some(parent)
            || !reference.digest_verified
            || !only_saml_transforms(doc, signature_node)
        {
            return Err(Refusal::Signature);
        }
        signed.push(parent);
    }
    Ok(signed)
}

/// Whether every `Transform` of the signature's references is one SAML allows.
fn only_saml_transforms(doc: &Document<'_>, signature: NodeId) -> bool {
    doc.descendants(signature)
        .into_iter()
        .filter(|&node| is(doc, node, DSIG, "Transform"))
        .all(|node| {
            doc.get_attribute(node, "Algorithm")
                .is_some_and(|algorithm| TRANSFORMS.contains(&algorithm))
        })
}

/// The response's top-level status must be Success.
fn check_status(doc: &Document<'_>, response: NodeId) -> Result<(), Refusal> {
    let code = child(doc, response, PROTOCOL, "Status")
        .and_then(|status| child(doc, status, PROTOCOL, "StatusCode"))
        .and_then(|code| doc.get_attribute(code, "Value"));
    if code == Some(SUCCESS) {
        Ok(())
    } else {
        Err(Refusal::Malformed("the response's status is not Success"))
    }
}

/// Reads the claims of the (signed) assertion.
fn read_assertion(
    doc: &Document<'_>,
    response: NodeId,
    assertion: NodeId,
) -> Result<Assertion, Refusal> {
    let issuer = child(doc, assertion, ASSERTION, "Issuer")
        .ok_or(Refusal::Malformed("the assertion has no Issuer"))
        .and_then(|node| text(doc, node))?;
    let response_issuer = match child(doc, response, ASSERTION, "Issuer") {
        Some(node) => Some(text(doc, node)?),
        None => None,
    };
    let mut read = Assertion {
        id: doc.get_attribute(assertion, "ID").unwrap_or("").to_owned(),
        issuer,
        response_issuer,
        ..Assertion::default()
    };
    if let Some(subject) = child(doc, assertion, ASSERTION, "Subject") {
        if let Some(name_id) = child(doc, subject, ASSERTION, "NameID") {
            read.name_id = Some(text(doc, name_id)?);
            read.name_id_format = attribute(doc, name_id, "Format");
        }
        for confirmation in children(doc, subject, ASSERTION, "SubjectConfirmation") {
            if doc.get_attribute(confirmation, "Method") != Some(BEARER) {
                continue;
            }
            if let Some(data) = child(doc, confirmation, ASSERTION, "SubjectConfirmationData") {
                read.confirmations.push(Confirmation {
                    recipient: attribute(doc, data, "Recipient"),
                    not_before: attribute(doc, data, "NotBefore"),
                    not_on_or_after: attribute(doc, data, "NotOnOrAfter"),
                });
            }
        }
    }
    if let Some(conditions) = child(doc, assertion, ASSERTION, "Conditions") {
        read.not_before = attribute(doc, conditions, "NotBefore");
        read.not_on_or_after = attribute(doc, conditions, "NotOnOrAfter");
        for restriction in children(doc, conditions, ASSERTION, "AudienceRestriction") {
            let audiences = children(doc, restriction, ASSERTION, "Audience")
                .into_iter()
                .map(|node| text(doc, node))
                .collect::<Result<Vec<_>, _>>()?;
            read.audience_restrictions.push(audiences);
        }
    }
    for statement in children(doc, assertion, ASSERTION, "AuthnStatement") {
        if let Some(at) = attribute(doc, statement, "SessionNotOnOrAfter")
            && read
                .session_not_on_or_after
                .as_ref()
                .is_none_or(|earlier| at < *earlier)
        {
            read.session_not_on_or_after = Some(at);
        }
    }
    for statement in children(doc, assertion, ASSERTION, "AttributeStatement") {
        for node in children(doc, statement, ASSERTION, "Attribute") {
            let name = attribute(doc, node, "Name")
                .ok_or(Refusal::Malformed("an attribute has no Name"))?;
            let values = children(doc, node, ASSERTION, "AttributeValue")
                .into_iter()
                .map(|value| text(doc, value))
                .collect::<Result<Vec<_>, _>>()?;
            read.attributes.push(Attribute { name, values });
        }
    }
    Ok(read)
}

/// Whether `node` is the element `{namespace}local`.
fn is(doc: &Document<'_>, node: NodeId, namespace: &str, local: &str) -> bool {
    doc.element(node)
        .is_some_and(|element| element.name.matches(Some(namespace), local))
}

/// The child elements `{namespace}local` of `parent`, in document order.
fn children(doc: &Document<'_>, parent: NodeId, namespace: &str, local: &str) -> Vec<NodeId> {
    doc.children(parent)
        .into_iter()
        .filter(|&node| is(doc, node, namespace, local))
        .collect()
}

/// The first child element `{namespace}local` of `parent`.
fn child(doc: &Document<'_>, parent: NodeId, namespace: &str, local: &str) -> Option<NodeId> {
    children(doc, parent, namespace, local).into_iter().next()
}

/// An attribute's value, owned.
fn attribute(doc: &Document<'_>, node: NodeId, name: &str) -> Option<String> {
    doc.get_attribute(node, name).map(str::to_owned)
}

/// The whole text of an element that holds text: every text and CDATA child joined (a
/// comment between two parts does not cut the value short), trimmed; an element child is
/// refused.
fn text(doc: &Document<'_>, node: NodeId) -> Result<String, Refusal> {
    let mut joined = String::new();
    for part in doc.children(node) {
        match doc.node_kind(part) {
            Some(NodeKind::Text(piece) | NodeKind::CData(piece)) => joined.push_str(piece),
            Some(NodeKind::Comment(_) | NodeKind::ProcessingInstruction(_)) => {}
            _ => {
                return Err(Refusal::Malformed(
                    "an element holds elements where text is expected",
                ));
            }
        }
    }
    Ok(joined.trim().to_owned())
}
