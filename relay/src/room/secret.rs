//! Random join codes, seat secrets and ids from the operating system's generator, and comparing
//! secrets in constant time.
//!
//! A join code is 8 characters from 30 that cannot be mistaken for one another when read off a
//! projector (no 0/O, 1/I/L, nor U): 30⁸ ≈ 6.6 × 10¹¹ codes, and wrong codes are rate-limited
//! per address. It is shown as `K7QM-X2PD` and read back in any case, with or without the dash
//! or spaces. A seat's secret and the instructor's token are 256 random bits.

/// The characters of a join code.
pub const CODE_ALPHABET: &[u8; 30] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a join code.
pub const CODE_LENGTH: usize = 8;

/// The operating system could not give random bytes.
#[derive(Debug, Clone, thiserror::Error)]
#[error("could not get random bytes from the operating system: {0}")]
pub struct NoRandomness(String);

/// `N` random bytes.
fn bytes<const N: usize>() -> Result<[u8; N], NoRandomness> {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).map_err(|error| NoRandomness(error.to_string()))?;
    Ok(bytes)
}

/// `bytes` as lower-case hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new join code (without its dash).
pub fn join_code() -> Result<String, NoRandomness> {
    let alphabet_len = CODE_ALPHABET.len();
    // The largest multiple of the alphabet's size in a byte: beyond it, a byte would favour the
    // first characters, so it is drawn again.
    let fair = 256 - 256 % alphabet_len;
    let mut code = String::with_capacity(CODE_LENGTH);
    while code.len() < CODE_LENGTH {
        for byte in bytes::<16>()? {
            let byte = usize::from(byte);
            if byte < fair && code.len() < CODE_LENGTH {
                code.push(char::from(CODE_ALPHABET[byte % alphabet_len]));
            }
        }
    }
    Ok(code)
}

/// A join code as shown: `K7QM-X2PD`.
pub fn show_code(code: &str) -> String {
    let (head, tail) = code.split_at(code.len().min(CODE_LENGTH / 2));
    format!("{head}-{tail}")
}

/// A join code as typed, read back without its dash: `None` when it cannot be one.
pub fn read_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '\u{2010}'..='\u{2015}'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let valid = code.len() == CODE_LENGTH && code.bytes().all(|b| CODE_ALPHABET.contains(&b));
    valid.then_some(code)
}

/// A new secret: 256 random bits as hex.
pub fn secret() -> Result<String, NoRandomness> {
    Ok(hex(&bytes::<32>()?))
}

/// A new id for a row: 128 random bits as hex.
pub fn id() -> Result<String, NoRandomness> {
    Ok(hex(&bytes::<16>()?))
}

/// A new public seat id: short enough for a URL, unrelated to the seat's secret.
pub fn seat_id() -> Result<String, NoRandomness> {
    Ok(hex(&bytes::<8>()?))
}

/// Whether two secrets are the same, in time that depends on their lengths only.
pub fn same(given: &str, expected: &str) -> bool {
    let (a, b) = (given.as_bytes(), expected.as_bytes());
    let differences = a
        .iter()
        .zip(b)
        .fold(u8::from(a.len() != b.len()), |acc, (x, y)| acc | (x ^ y));
    differences == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn join_codes_use_the_unambiguous_characters_and_read_back_as_typed() {
        let alphabet = std::str::from_utf8(CODE_ALPHABET).expect("ascii");
        for confusable in ['0', 'O', '1', 'I', 'L', 'U'] {
            assert!(!alphabet.contains(confusable), "{confusable}");
        }
        let codes: HashSet<String> = (0..200).map(|_| join_code().expect("code")).collect();
        assert_eq!(codes.len(), 200, "no repeats");
        for code in &codes {
            assert_eq!(code.len(), CODE_LENGTH);
            let shown = show_code(code);
            assert_eq!(shown.len(), CODE_LENGTH + 1);
            assert_eq!(read_code(&shown).as_ref(), Some(code));
            assert_eq!(read_code(&shown.to_lowercase()).as_ref(), Some(code));
            assert_eq!(read_code(&format!(" {} ", code.replace('-', " "))).as_ref(), Some(code));
        }
        for bad in ["", "K7QM", "K7QM-X2PD-9", "K7QM-X2P0", "K7QM-X2PI", "K7QM X2P!"] {
            assert_eq!(read_code(bad), None, "{bad}");
        }
    }

    #[test]
    fn secrets_are_long_random_and_compared_whole() {
        let a = secret().expect("secret");
        let b = secret().expect("secret");
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert!(same(&a, &a.clone()));
        assert!(!same(&a, &b));
        assert!(!same(&a, &a[..63]));
        assert!(!same("", &a));
        assert_eq!(id().expect("id").len(), 32);
        assert_eq!(seat_id().expect("id").len(), 16);
    }
}
