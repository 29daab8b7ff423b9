//! SSH public keys as IAM takes them (UploadSSHPublicKey): OpenSSH text (`ssh-rsa`,
//! `ssh-ed25519`, `ecdsa-sha2-nistp256/384/521`) or a PEM `PUBLIC KEY` / `RSA PUBLIC KEY`
//! (RSA only, as AWS documents), parsed with `ssh-key` and `x509-parser`, re-encoded both
//! ways (GetSSHPublicKey's `Encoding` SSH or PEM) and fingerprinted as AWS shows it: the
//! MD5 digest of the key's SSH wire encoding, as colon-separated lower-case hex.

use aws_lc_rs::encoding::{AsDer, PublicKeyX509Der};
use aws_lc_rs::signature::{self, ParsedPublicKey, RsaPublicKeyComponents};
use md5::{Digest, Md5};
use ssh_key::public::{EcdsaPublicKey, KeyData, RsaPublicKey};
use ssh_key::{Mpint, PublicKey};
use x509_parser::prelude::FromDer;
use x509_parser::public_key::{PublicKey as SpkiKey, RSAPublicKey};
use x509_parser::x509::SubjectPublicKeyInfo;

/// AWS's minimum RSA modulus length, in bits.
pub const MIN_RSA_BITS: usize = 2048;

/// A parsed SSH public key in both of GetSSHPublicKey's encodings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshPublicKey {
    /// OpenSSH text, `algorithm base64` (no comment).
    pub openssh: String,
    /// PEM `PUBLIC KEY` (SubjectPublicKeyInfo), lines ending in `\n`.
    pub pem: String,
    /// MD5 of the wire encoding, `xx:xx:…` (16 bytes, 47 characters).
    pub fingerprint: String,
}

/// Why a public key was refused, as IAM's two errors tell it apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SshKeyError {
    /// Neither OpenSSH text nor PEM, or a key type IAM does not take
    /// (`UnrecognizedPublicKeyEncoding`).
    #[error("the public key encoding is unrecognized")]
    UnrecognizedEncoding,
    /// A recognized encoding whose key does not decode or is too short (`InvalidPublicKey`).
    #[error("the public key is invalid: {0}")]
    Invalid(&'static str),
}

/// Parses an uploaded public key (surrounding whitespace ignored).
///
/// # Errors
///
/// [`SshKeyError`] as above.
pub fn parse(body: &str) -> Result<SshPublicKey, SshKeyError> {
    let body = body.trim();
    let key = if body.starts_with("-----BEGIN") {
        from_pem(body)?
    } else {
        from_openssh(body)?
    };
    encodings(key)
}

/// The key data of OpenSSH text `algorithm base64 [comment]`.
fn from_openssh(body: &str) -> Result<KeyData, SshKeyError> {
    let algorithm = body.split_ascii_whitespace().next().unwrap_or_default();
    let known = ["ssh-rsa", "ssh-ed25519"].contains(&algorithm)
        || algorithm.starts_with("ecdsa-sha2-nistp");
    if !known {
        return Err(SshKeyError::UnrecognizedEncoding);
    }
    let key = PublicKey::from_openssh(body)
        .map_err(|_| SshKeyError::Invalid("the key does not decode"))?;
    Ok(key.key_data().clone())
}

/// The key data of a PEM RSA public key (SubjectPublicKeyInfo or PKCS #1).
fn from_pem(body: &str) -> Result<KeyData, SshKeyError> {
    let pem = pem::parse(body).map_err(|_| SshKeyError::Invalid("the PEM does not decode"))?;
    let invalid = SshKeyError::Invalid("the PEM does not hold an RSA public key");
    let (modulus, exponent) = match pem.tag() {
        "PUBLIC KEY" => {
            let (_, spki) = SubjectPublicKeyInfo::from_der(pem.contents()).map_err(|_| invalid)?;
            match spki.parsed().map_err(|_| invalid)? {
                SpkiKey::RSA(rsa) => (rsa.modulus.to_vec(), rsa.exponent.to_vec()),
                _ => return Err(SshKeyError::UnrecognizedEncoding),
            }
        }
        "RSA PUBLIC KEY" => {
            let (_, rsa) = RSAPublicKey::from_der(pem.contents()).map_err(|_| invalid)?;
            (rsa.modulus.to_vec(), rsa.exponent.to_vec())
        }
        _ => return Err(SshKeyError::UnrecognizedEncoding),
    };
    let mpint = |bytes: &[u8]| {
        Mpint::from_positive_bytes(bytes).map_err(|_| SshKeyError::Invalid("bad RSA integer"))
    };
    Ok(KeyData::Rsa(RsaPublicKey {
        e: mpint(&exponent)?,
        n: mpint(&modulus)?,
    }))
}

/// Both encodings and the fingerprint of `key`, after AWS's size rule.
fn encodings(key: KeyData) -> Result<SshPublicKey, SshKeyError> {
    let spki = spki_der(&key)?;
    let key = PublicKey::new(key, "");
    let wire = key
        .to_bytes()
        .map_err(|_| SshKeyError::Invalid("the key does not encode"))?;
    let openssh = key
        .to_openssh()
        .map_err(|_| SshKeyError::Invalid("the key does not encode"))?;
    let digest = Md5::digest(&wire);
    let fingerprint = digest
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<Vec<_>>()
        .join(":");
    Ok(SshPublicKey {
        openssh: openssh.trim().to_owned(),
        pem: pem::encode_config(
            &pem::Pem::new("PUBLIC KEY", spki),
            pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF),
        ),
        fingerprint,
    })
}

/// The SubjectPublicKeyInfo DER of `key` (aws-lc-rs checks the key on the way).
fn spki_der(key: &KeyData) -> Result<Vec<u8>, SshKeyError> {
    let invalid = |_| SshKeyError::Invalid("the key is not a valid public key");
    let parsed = match key {
        KeyData::Rsa(rsa) => {
            let n = rsa
                .n
                .as_positive_bytes()
                .ok_or(SshKeyError::Invalid("negative RSA modulus"))?;
            let e = rsa
                .e
                .as_positive_bytes()
                .ok_or(SshKeyError::Invalid("negative RSA exponent"))?;
            let bits = n.len() * 8 - n.first().map_or(8, |top| top.leading_zeros() as usize);
            if bits < MIN_RSA_BITS {
                return Err(SshKeyError::Invalid(
                    "the RSA key is shorter than 2048 bits",
                ));
            }
            RsaPublicKeyComponents { n, e }
                .to_parsed_public_key(&signature::RSA_PKCS1_2048_8192_SHA256)
                .map_err(invalid)?
        }
        KeyData::Ed25519(ed) => {
            ParsedPublicKey::new(&signature::ED25519, ed.as_ref()).map_err(invalid)?
        }
        KeyData::Ecdsa(ecdsa) => {
            let algorithm: &'static signature::EcdsaVerificationAlgorithm = match ecdsa {
                EcdsaPublicKey::NistP256(_) => &signature::ECDSA_P256_SHA256_ASN1,
                EcdsaPublicKey::NistP384(_) => &signature::ECDSA_P384_SHA384_ASN1,
                EcdsaPublicKey::NistP521(_) => &signature::ECDSA_P521_SHA512_ASN1,
            };
            ParsedPublicKey::new(algorithm, ecdsa.as_sec1_bytes()).map_err(invalid)?
        }
        _ => return Err(SshKeyError::UnrecognizedEncoding),
    };
    let der: PublicKeyX509Der<'static> = parsed
        .as_der()
        .map_err(|_| SshKeyError::Invalid("the key does not encode"))?;
    Ok(der.as_ref().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_lc_rs::signature::KeyPair as _;

    /// An RSA key's SubjectPublicKeyInfo DER, generated by aws-lc-rs.
    fn rsa_spki(size: aws_lc_rs::rsa::KeySize) -> Vec<u8> {
        let pair = aws_lc_rs::rsa::KeyPair::generate(size).unwrap();
        let der: PublicKeyX509Der<'static> = pair.public_key().as_der().unwrap();
        der.as_ref().to_vec()
    }

    #[test]
    fn pem_and_openssh_round_trip_to_the_same_key() {
        let spki = rsa_spki(aws_lc_rs::rsa::KeySize::Rsa2048);
        let pem_text = pem::encode(&pem::Pem::new("PUBLIC KEY", spki));
        let from_pem = parse(&pem_text).unwrap();
        assert!(from_pem.openssh.starts_with("ssh-rsa AAAA"));
        let from_ssh = parse(&format!("{} me@host\n", from_pem.openssh)).unwrap();
        assert_eq!(from_ssh, from_pem);
        assert_eq!(from_ssh.fingerprint.len(), 47);
        assert!(from_ssh.pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    }

    #[test]
    fn ed25519_keys_are_taken() {
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let pkcs8 = signature::Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
        let pair = signature::Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
        let raw: [u8; 32] = pair.public_key().as_ref().try_into().unwrap();
        let text = PublicKey::new(KeyData::Ed25519(ssh_key::public::Ed25519PublicKey(raw)), "")
            .to_openssh()
            .unwrap();
        let key = parse(&text).unwrap();
        assert_eq!(key.openssh, text);
        assert!(key.pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    }

    #[test]
    fn garbage_and_short_keys_are_refused_with_iams_errors() {
        assert_eq!(parse("hello"), Err(SshKeyError::UnrecognizedEncoding));
        assert_eq!(
            parse("ssh-dss AAAA"),
            Err(SshKeyError::UnrecognizedEncoding)
        );
        assert!(matches!(
            parse("ssh-rsa AAAA!!"),
            Err(SshKeyError::Invalid(_))
        ));
        let pem = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n";
        assert!(matches!(parse(pem), Err(SshKeyError::Invalid(_))));
    }
}
