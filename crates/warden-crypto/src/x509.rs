//! X.509 certificates as IAM takes them (signing and server certificates): PEM parsed with
//! `x509-parser`, the validity period read, and a server certificate's private key checked
//! to belong to it (aws-lc-rs derives the key's public half, compared with the
//! certificate's SubjectPublicKeyInfo).

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair as _};
use x509_parser::public_key::PublicKey;
use zeroize::Zeroizing;

/// What IAM keeps of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The certificate's DER.
    pub der: Vec<u8>,
    /// Its SubjectPublicKeyInfo DER.
    pub spki: Vec<u8>,
    /// Start of the validity period (epoch seconds).
    pub not_before: i64,
    /// End of the validity period (epoch seconds), AWS's `Expiration`.
    pub not_after: i64,
}

impl Certificate {
    /// The hex SHA-256 of the DER, which tells two uploads of one certificate apart from
    /// different certificates whatever their PEM spacing.
    #[must_use]
    pub fn digest(&self) -> String {
        aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, &self.der)
            .as_ref()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

/// Why a certificate or key was refused, as IAM's errors tell it apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CertificateError {
    /// Not a PEM certificate, or one that does not decode (`MalformedCertificate`).
    #[error("the certificate is malformed")]
    Malformed,
    /// Past its `notAfter` (`MalformedCertificate`, "malformed or expired").
    #[error("the certificate has expired")]
    Expired,
    /// A certificate whose public key is neither RSA nor EC (`InvalidCertificate`).
    #[error("the certificate's key type is unsupported")]
    UnsupportedKey,
    /// A private key that is not PEM PKCS #1, SEC 1 or PKCS #8 RSA/EC/Ed25519.
    #[error("the private key is malformed")]
    MalformedPrivateKey,
}

/// Parses the first PEM `CERTIFICATE` of `text`, valid at `now` (epoch seconds).
///
/// # Errors
///
/// [`CertificateError::Malformed`], [`CertificateError::Expired`],
/// [`CertificateError::UnsupportedKey`].
pub fn parse_certificate(text: &str, now: i64) -> Result<Certificate, CertificateError> {
    let pem = pem::parse(text.trim()).map_err(|_| CertificateError::Malformed)?;
    if pem.tag() != "CERTIFICATE" {
        return Err(CertificateError::Malformed);
    }
    let certificate = from_der(pem.contents())?;
    if certificate.not_after < now {
        return Err(CertificateError::Expired);
    }
    Ok(certificate)
}

/// Parses every certificate of a chain (concatenated PEM `CERTIFICATE`s, at least one).
///
/// # Errors
///
/// [`CertificateError::Malformed`] if any does not decode.
pub fn parse_chain(text: &str) -> Result<Vec<Certificate>, CertificateError> {
    let pems = pem::parse_many(text.trim()).map_err(|_| CertificateError::Malformed)?;
    if pems.is_empty() || pems.iter().any(|pem| pem.tag() != "CERTIFICATE") {
        return Err(CertificateError::Malformed);
    }
    pems.iter().map(|pem| from_der(pem.contents())).collect()
}

/// Parses one DER certificate (an IdP's signing certificate from SAML metadata), whatever
/// its validity period.
///
/// # Errors
///
/// [`CertificateError::Malformed`], [`CertificateError::UnsupportedKey`].
pub fn parse_der(der: &[u8]) -> Result<Certificate, CertificateError> {
    from_der(der)
}

/// The certificate in `der`.
fn from_der(der: &[u8]) -> Result<Certificate, CertificateError> {
    let (rest, parsed) =
        x509_parser::parse_x509_certificate(der).map_err(|_| CertificateError::Malformed)?;
    if !rest.is_empty() {
        return Err(CertificateError::Malformed);
    }
    let spki = parsed.public_key();
    match spki.parsed() {
        Ok(PublicKey::RSA(_) | PublicKey::EC(_)) => {}
        Ok(_) | Err(_) => return Err(CertificateError::UnsupportedKey),
    }
    let validity = parsed.validity();
    Ok(Certificate {
        der: der.to_vec(),
        spki: spki.raw.to_vec(),
        not_before: validity.not_before.timestamp(),
        not_after: validity.not_after.timestamp(),
    })
}

/// Whether `text` is one PEM RSA private key (PKCS #1 or PKCS #8), as a SAML provider's
/// assertion decryption key must be.
#[must_use]
pub fn is_rsa_private_key(text: &str) -> bool {
    let Ok(pem) = pem::parse(text.trim()) else {
        return false;
    };
    let tag = pem.tag().to_owned();
    // The decoded key is wiped when it is dropped.
    let der = Zeroizing::new(pem.into_contents());
    match tag.as_str() {
        "RSA PRIVATE KEY" => aws_lc_rs::rsa::KeyPair::from_der(&der).is_ok(),
        "PRIVATE KEY" => aws_lc_rs::rsa::KeyPair::from_pkcs8(&der).is_ok(),
        _ => false,
    }
}

/// Whether the PEM private key `text` is the private half of `certificate`'s key.
///
/// # Errors
///
/// [`CertificateError::MalformedPrivateKey`] if it is not a key this module reads.
pub fn private_key_matches(
    text: &str,
    certificate: &Certificate,
) -> Result<bool, CertificateError> {
    let pem = pem::parse(text.trim()).map_err(|_| CertificateError::MalformedPrivateKey)?;
    let tag = pem.tag().to_owned();
    // The decoded key is wiped when it is dropped.
    let der = Zeroizing::new(pem.into_contents());
    let public = public_half(&tag, &der)?;
    Ok(public == certificate.spki)
}

/// The SubjectPublicKeyInfo DER of a private key of PEM type `tag`.
fn public_half(tag: &str, der: &[u8]) -> Result<Vec<u8>, CertificateError> {
    const CURVES: [&signature::EcdsaSigningAlgorithm; 3] = [
        &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &signature::ECDSA_P384_SHA384_ASN1_SIGNING,
        &signature::ECDSA_P521_SHA512_ASN1_SIGNING,
    ];
    let spki = |der: Result<PublicKeyX509Der<'static>, _>| {
        der.map(|der| der.as_ref().to_vec())
            .map_err(|_: aws_lc_rs::error::Unspecified| CertificateError::MalformedPrivateKey)
    };
    match tag {
        "RSA PRIVATE KEY" => aws_lc_rs::rsa::KeyPair::from_der(der)
            .map_err(|_| CertificateError::MalformedPrivateKey)
            .and_then(|pair| spki(pair.public_key().as_der())),
        "EC PRIVATE KEY" => CURVES
            .iter()
            .find_map(|curve| EcdsaKeyPair::from_private_key_der(curve, der).ok())
            .ok_or(CertificateError::MalformedPrivateKey)
            .and_then(|pair| spki(pair.public_key().as_der())),
        "PRIVATE KEY" => {
            if let Ok(pair) = aws_lc_rs::rsa::KeyPair::from_pkcs8(der) {
                return spki(pair.public_key().as_der());
            }
            if let Some(pair) = CURVES
                .iter()
                .find_map(|curve| EcdsaKeyPair::from_pkcs8(curve, der).ok())
            {
                return spki(pair.public_key().as_der());
            }
            Ed25519KeyPair::from_pkcs8(der)
                .map_err(|_| CertificateError::MalformedPrivateKey)
                .and_then(|pair| spki(pair.public_key().as_der()))
        }
        _ => Err(CertificateError::MalformedPrivateKey),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A self-signed certificate for `name` and its PKCS #8 PEM key.
    fn self_signed(name: &str) -> (String, String) {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec![name.to_owned()]).unwrap();
        let certificate = params.self_signed(&key).unwrap();
        (certificate.pem(), key.serialize_pem())
    }

    #[test]
    fn a_certificate_parses_and_matches_only_its_own_key() {
        let (pem, key) = self_signed("a.example");
        let (_, other_key) = self_signed("b.example");
        let certificate = parse_certificate(&pem, 0).unwrap();
        assert!(certificate.not_after > certificate.not_before);
        assert_eq!(private_key_matches(&key, &certificate), Ok(true));
        assert_eq!(private_key_matches(&other_key, &certificate), Ok(false));
        assert_eq!(parse_chain(&format!("{pem}{pem}")).unwrap().len(), 2);
    }

    #[test]
    fn garbage_and_expired_certificates_are_refused() {
        let (pem, _) = self_signed("a.example");
        assert_eq!(
            parse_certificate("nope", 0),
            Err(CertificateError::Malformed)
        );
        assert_eq!(
            parse_certificate(&pem, i64::MAX),
            Err(CertificateError::Expired)
        );
        let junk = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assert_eq!(parse_certificate(junk, 0), Err(CertificateError::Malformed));
        let certificate = parse_certificate(&pem, 0).unwrap();
        assert_eq!(
            private_key_matches("junk", &certificate),
            Err(CertificateError::MalformedPrivateKey)
        );
    }
}
