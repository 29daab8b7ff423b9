//! Digests that AWS's formats require.

/// SHA-1 of `data`, for identifiers AWS defines with it (a SAML session's `NameQualifier`);
/// never for anything that needs collision resistance.
#[must_use]
pub fn legacy_sha1(data: &[u8]) -> [u8; 20] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA1_FOR_LEGACY_USE_ONLY, data);
    let mut out = [0u8; 20];
    out.copy_from_slice(digest.as_ref());
    out
}
