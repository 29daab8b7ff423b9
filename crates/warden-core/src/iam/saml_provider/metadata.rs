//! SAML 2.0 metadata as IAM reads it: one `md:EntityDescriptor` (its `entityID` is the
//! issuer of the IdP's assertions, its `validUntil` the provider's), with an
//! `md:IDPSSODescriptor` whose `md:KeyDescriptor`s (`use="signing"`, or without `use`)
//! carry the IdP's signing certificates as `ds:X509Certificate`. Read with `quick-xml`'s
//! namespace-aware reader; a document type declaration is refused (no entity expansion of
//! any kind), as is anything else that is not such metadata.

use base64::Engine as _;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::{NsReader, XmlVersion};
use warden_crypto::x509;

/// The SAML 2.0 metadata namespace.
const METADATA: &str = "urn:oasis:names:tc:SAML:2.0:metadata";
/// The XML Signature namespace (`ds:KeyInfo`).
const SIGNATURE: &str = "http://www.w3.org/2000/09/xmldsig#";

/// XML's predefined entities (`&amp;` …), the only named references a document without a
/// document type declaration can hold.
const PREDEFINED: [&str; 5] = ["amp", "lt", "gt", "quot", "apos"];

/// What IAM keeps of a metadata document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Metadata {
    /// The `entityID`.
    pub(crate) entity_id: String,
    /// The `validUntil` (epoch milliseconds), if the document has one.
    pub(crate) valid_until: Option<i64>,
    /// The IdP's signing certificates (DER), in document order.
    pub(crate) signing_certificates: Vec<Vec<u8>>,
}

/// Where an element sits on the path to a signing certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// `md:EntityDescriptor`, the root.
    Root,
    /// `md:IDPSSODescriptor` in the root.
    Idp,
    /// `md:KeyDescriptor` for signing in the IdP descriptor.
    SigningKey,
    /// `ds:KeyInfo` in a signing key.
    KeyInfo,
    /// `ds:X509Data` in its key info.
    X509Data,
    /// `ds:X509Certificate` in its X.509 data.
    Certificate,
    /// Anything else.
    Other,
}

/// Reads a metadata document; `None` when it is not SAML 2.0 IdP metadata with at least one
/// signing certificate (RSA or EC) that parses.
pub(crate) fn parse(document: &str) -> Option<Metadata> {
    let mut reader = NsReader::from_str(document);
    let mut path: Vec<Place> = Vec::new();
    let mut seen_root = false;
    let mut seen_idp = false;
    let mut entity_id = None;
    let mut valid_until = None;
    let mut certificates = Vec::new();
    let mut text = String::new();
    loop {
        let (namespace, event) = reader.read_resolved_event().ok()?;
        let namespace = bound(&namespace);
        match event {
            Event::Start(ref element) | Event::Empty(ref element) => {
                let empty = matches!(event, Event::Empty(_));
                let place = place_of(path.last().copied(), namespace, element, seen_root)?;
                match place {
                    Place::Root => {
                        seen_root = true;
                        entity_id =
                            Some(attribute(element, "entityID")?.filter(|id| !id.is_empty())?);
                        valid_until = match attribute(element, "validUntil")? {
                            Some(value) => Some(date_time(&value)?),
                            None => None,
                        };
                    }
                    Place::Idp => seen_idp = true,
                    Place::Certificate => text.clear(),
                    _ => {}
                }
                if empty {
                    if place == Place::Certificate {
                        return None;
                    }
                } else {
                    path.push(place);
                }
            }
            Event::End(_) => {
                if path.pop()? == Place::Certificate {
                    certificates.push(certificate(&text)?);
                }
            }
            Event::Text(content) => {
                if path.last() == Some(&Place::Certificate) {
                    text.push_str(&content.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                // Character references and XML's predefined entities; in a certificate only
                // whitespace ones (`&#13;` from some IdPs). Nothing is ever expanded from a
                // document type declaration: there is none.
                let in_certificate = path.last() == Some(&Place::Certificate);
                match reference.resolve_char_ref().ok()? {
                    Some(character) if !in_certificate || character.is_whitespace() => {}
                    None if !in_certificate && PREDEFINED.contains(&&*reference) => {}
                    Some(_) | None => return None,
                }
            }
            Event::DocType(_) => return None,
            // An element left open is not a document.
            Event::Eof if path.is_empty() => break,
            Event::Eof => return None,
            Event::CData(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    (seen_idp && !certificates.is_empty()).then_some(Metadata {
        entity_id: entity_id?,
        valid_until,
        signing_certificates: certificates,
    })
}

/// The namespace an element is bound to, if any.
fn bound<'a>(namespace: &'a ResolveResult<'_>) -> Option<&'a str> {
    match namespace {
        ResolveResult::Bound(Namespace(uri)) => Some(uri),
        ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
    }
}

/// Where `element` (in `namespace`) sits, given its parent's place (`None`: it is a root);
/// `None` when a second root follows the first or the root is not an `EntityDescriptor`.
fn place_of(
    parent: Option<Place>,
    namespace: Option<&str>,
    element: &BytesStart<'_>,
    seen_root: bool,
) -> Option<Place> {
    let name = element.local_name();
    let is = |uri: &str, local: &str| namespace == Some(uri) && name.as_ref() == local;
    let place = match parent {
        None if !seen_root && is(METADATA, "EntityDescriptor") => Place::Root,
        None => return None,
        Some(Place::Root) if is(METADATA, "IDPSSODescriptor") => Place::Idp,
        Some(Place::Idp) if is(METADATA, "KeyDescriptor") => {
            match attribute(element, "use")?.as_deref() {
                None | Some("signing") => Place::SigningKey,
                Some(_) => Place::Other,
            }
        }
        Some(Place::SigningKey) if is(SIGNATURE, "KeyInfo") => Place::KeyInfo,
        Some(Place::KeyInfo) if is(SIGNATURE, "X509Data") => Place::X509Data,
        Some(Place::X509Data) if is(SIGNATURE, "X509Certificate") => Place::Certificate,
        Some(_) => Place::Other,
    };
    Some(place)
}

/// The unqualified attribute `name` of `element`: `Some(None)` when it has none, `None`
/// when its attributes do not parse.
fn attribute(element: &BytesStart<'_>, name: &str) -> Option<Option<String>> {
    for attribute in element.attributes() {
        let attribute = attribute.ok()?;
        if attribute.key.as_ref() == name {
            return Some(Some(
                attribute
                    .normalized_value(XmlVersion::Implicit1_0)
                    .ok()?
                    .into_owned(),
            ));
        }
    }
    Some(None)
}

/// An `xs:dateTime` as epoch milliseconds (UTC when it has no zone).
fn date_time(value: &str) -> Option<i64> {
    let value = value.trim();
    if let Ok(timestamp) = value.parse::<jiff::Timestamp>() {
        return Some(timestamp.as_millisecond());
    }
    let civil: jiff::civil::DateTime = value.parse().ok()?;
    Some(
        jiff::tz::Offset::UTC
            .to_timestamp(civil)
            .ok()?
            .as_millisecond(),
    )
}

/// A `ds:X509Certificate`'s base64 text as a certificate's DER, if it parses as an RSA or
/// EC certificate.
fn certificate(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()?;
    x509::parse_der(&der).ok()?;
    Some(der)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The server tests' metadata fixture: one signing certificate, valid until 2126.
    const FIXTURE: &str = include_str!("../../../../warden-server/tests/it/data/saml_metadata.xml");

    fn certificate_text() -> &'static str {
        FIXTURE
            .split("<ds:X509Certificate>")
            .nth(1)
            .and_then(|rest| rest.split("</ds:X509Certificate>").next())
            .unwrap()
    }

    #[test]
    fn reads_the_entity_id_validity_and_signing_certificates() {
        let metadata = parse(FIXTURE).unwrap();
        assert_eq!(metadata.entity_id, "https://idp.example.com/saml");
        assert_eq!(
            metadata.valid_until,
            Some(
                "2126-01-01T00:00:00Z"
                    .parse::<jiff::Timestamp>()
                    .unwrap()
                    .as_millisecond()
            )
        );
        assert_eq!(metadata.signing_certificates.len(), 1);
    }

    #[test]
    fn takes_any_prefixes_keys_without_use_and_skips_encryption_keys() {
        let key = |usage: &str, prefix: &str| {
            format!(
                "<md:KeyDescriptor{usage}><{prefix}KeyInfo><{prefix}X509Data><{prefix}X509Certificate>\n{}&#13;\n</{prefix}X509Certificate></{prefix}X509Data></{prefix}KeyInfo></md:KeyDescriptor>",
                certificate_text()
            )
        };
        let document = format!(
            r#"<EntityDescriptor xmlns="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="urn:idp"><!-- c --><md:IDPSSODescriptor>{}{}{}</md:IDPSSODescriptor></EntityDescriptor>"#,
            key("", "dsig:").replace(
                "<dsig:KeyInfo>",
                r#"<dsig:KeyInfo xmlns:dsig="http://www.w3.org/2000/09/xmldsig#">"#
            ),
            key(r#" use="encryption""#, "ds:").replace(
                "<ds:KeyInfo>",
                r#"<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">"#
            ),
            key(r#" use="signing""#, "ds:").replace(
                "<ds:KeyInfo>",
                r#"<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">"#
            ),
        );
        let metadata = parse(&document).unwrap();
        assert_eq!(metadata.entity_id, "urn:idp");
        // References elsewhere in the document are text as usual.
        let organization = r#"<md:Organization><md:OrganizationName xml:lang="en">A &amp; B &#169;</md:OrganizationName></md:Organization></EntityDescriptor>"#;
        assert_eq!(
            parse(&document.replace("</EntityDescriptor>", organization)),
            Some(metadata.clone())
        );
        assert_eq!(metadata.valid_until, None);
        assert_eq!(metadata.signing_certificates.len(), 2);
    }

    #[test]
    fn refuses_what_is_not_idp_metadata() {
        let refused = [
            String::new(),
            "<a>not metadata</a>".to_owned(),
            FIXTURE.replace("urn:oasis:names:tc:SAML:2.0:metadata", "urn:example"),
            FIXTURE.replace(r#" entityID="https://idp.example.com/saml""#, ""),
            FIXTURE.replace("2126-01-01T00:00:00Z", "next year"),
            FIXTURE.replace("IDPSSODescriptor", "SPSSODescriptor"),
            FIXTURE.replace(r#"use="signing""#, r#"use="encryption""#),
            FIXTURE.replace(certificate_text(), "bm90IGEgY2VydGlmaWNhdGU="),
            FIXTURE.replace("</md:EntityDescriptor>", ""),
            format!("{FIXTURE}<md:EntityDescriptor/>"),
            FIXTURE.replace(
                "<md:EntityDescriptor",
                "<!DOCTYPE x [<!ENTITY e \"v\">]><md:EntityDescriptor",
            ),
            FIXTURE.replace("</ds:X509Certificate>", "&e;</ds:X509Certificate>"),
            FIXTURE.replace("</ds:X509Certificate>", "&amp;</ds:X509Certificate>"),
            FIXTURE.replace(
                "</md:IDPSSODescriptor>",
                "&undefined;</md:IDPSSODescriptor>",
            ),
        ];
        for document in refused {
            assert_eq!(parse(&document), None, "{document}");
        }
    }
}
