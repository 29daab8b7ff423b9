//! CRC-32C (Castagnoli), the checksum of journal frames, computed eight bytes at a time
//! ("slicing-by-8") so that checksumming stays a small share of an append's cost.

/// The reflected Castagnoli polynomial.
const POLYNOMIAL: u32 = 0x82F6_3B78;

/// `TABLES[k][b]`: the CRC of byte `b` followed by `k` zero bytes.
static TABLES: [[u32; 256]; 8] = tables();

#[expect(
    clippy::indexing_slicing,
    clippy::cast_possible_truncation,
    reason = "a const fn filling fixed 8×256 tables: every index is in range by construction"
)]
const fn tables() -> [[u32; 256]; 8] {
    let mut tables = [[0_u32; 256]; 8];
    let mut byte = 0;
    while byte < 256 {
        let mut crc = byte as u32;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ POLYNOMIAL
            } else {
                crc >> 1
            };
            bit += 1;
        }
        tables[0][byte] = crc;
        byte += 1;
    }
    let mut byte = 0;
    while byte < 256 {
        let mut slice = 1;
        while slice < 8 {
            let previous = tables[slice - 1][byte];
            tables[slice][byte] = (previous >> 8) ^ tables[0][(previous & 0xFF) as usize];
            slice += 1;
        }
        byte += 1;
    }
    tables
}

/// Continues the CRC-32C `crc` (0 to start) over `bytes`.
#[expect(
    clippy::indexing_slicing,
    reason = "every table index is a byte value (< 256) and the tables have 256 entries"
)]
pub(super) fn crc32c(crc: u32, bytes: &[u8]) -> u32 {
    let table = |slice: usize, byte: u32| TABLES[slice][(byte & 0xFF) as usize];
    let mut crc = !crc;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0_u8; 8];
        word.copy_from_slice(chunk);
        let low = u32::from_le_bytes([word[0], word[1], word[2], word[3]]) ^ crc;
        let high = u32::from_le_bytes([word[4], word[5], word[6], word[7]]);
        crc = table(7, low)
            ^ table(6, low >> 8)
            ^ table(5, low >> 16)
            ^ table(4, low >> 24)
            ^ table(3, high)
            ^ table(2, high >> 8)
            ^ table(1, high >> 16)
            ^ table(0, high >> 24);
    }
    for &byte in chunks.remainder() {
        crc = (crc >> 8) ^ table(0, crc ^ u32::from(byte));
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::crc32c;

    #[test]
    fn matches_the_standard_check_values() {
        // The CRC-32C check value (RFC 3720, B.4) and an iSCSI test vector.
        assert_eq!(crc32c(0, b"123456789"), 0xE306_9283);
        assert_eq!(crc32c(0, &[0; 32]), 0x8A91_36AA);
        // Continuing a CRC equals computing it over the concatenation, at any split.
        let data: Vec<u8> = (0..=255).collect();
        for split in 0..data.len() {
            let (a, b) = data.split_at(split);
            assert_eq!(crc32c(crc32c(0, a), b), crc32c(0, &data));
        }
    }
}
