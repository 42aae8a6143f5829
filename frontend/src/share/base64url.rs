//! base64url without padding (RFC 4648, section 5), strict: any other symbol, a length no
//! encoder writes, or stray bits in the last symbol are refused, so a damaged link is noticed.

use warren_shared::say;

/// What the reader says of a text whose length no encoder writes.
pub const BAD_LENGTH: &str = "{n} symbols is not a length base64url can have";
/// What the reader says of a symbol outside the alphabet.
pub const BAD_SYMBOL: &str = "symbol {symbol} at offset {offset} is not base64url";
/// What the reader says of a last symbol with stray bits.
pub const STRAY_BITS: &str = "the last symbol has bits that belong to no byte";
/// Every sentence the reader says, for the page's translations.
pub const SENTENCES: &[&str] = &[BAD_LENGTH, BAD_SYMBOL, STRAY_BITS];

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// `bytes` as base64url, without padding.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let group = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(group >> (18 - 6 * i) & 63) as usize]));
        }
    }
    out
}

/// The bytes `text` encodes, or what is wrong with it.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    if text.len() % 4 == 1 {
        return Err(say!(BAD_LENGTH, n = text.len()));
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for (c, chunk) in text.as_bytes().chunks(4).enumerate() {
        let mut group = 0u32;
        for (i, &symbol) in chunk.iter().enumerate() {
            let value = ALPHABET.iter().position(|&a| a == symbol).ok_or_else(|| {
                say!(
                    BAD_SYMBOL,
                    symbol = format!("{:?}", char::from(symbol)),
                    offset = c * 4 + i
                )
            })?;
            group |= (value as u32) << (18 - 6 * i);
        }
        let bytes = chunk.len() - 1;
        if group << (8 * bytes) & 0x00ff_ffff != 0 {
            return Err(STRAY_BITS.to_owned());
        }
        out.extend((0..bytes).map(|i| (group >> (16 - 8 * i)) as u8));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};

    #[test]
    fn known_values_and_round_trips() {
        assert_eq!(encode(b""), "");
        assert_eq!(encode(b"f"), "Zg");
        assert_eq!(encode(b"fo"), "Zm8");
        assert_eq!(encode(b"foo"), "Zm9v");
        assert_eq!(encode(b"foob"), "Zm9vYg");
        assert_eq!(encode(&[0xfb, 0xff, 0xfe]), "-__-");
        for len in 0..300 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + len) as u8).collect();
            assert_eq!(decode(&encode(&bytes)), Ok(bytes));
        }
    }

    #[test]
    fn damaged_text_is_refused() {
        assert!(decode("Zm9vY").expect_err("length").contains("length"));
        assert!(decode("Zm=v").expect_err("padding").contains("'='"));
        assert!(decode("Zm+v").expect_err("standard alphabet").contains("'+'"));
        assert!(decode("Zh").expect_err("stray bits").contains("last symbol"));
        assert!(decode("Zm9").expect_err("stray bits").contains("last symbol"));
    }
}
