//! Learners' display names: trimmed, inner spaces collapsed, at most [`MAX_NAME_CHARS`]
//! characters, nothing invisible; compared for uniqueness in lower case, so that "Ada" and
//! "ada " are one name.

/// Most characters in a display name.
pub const MAX_NAME_CHARS: usize = 40;

/// A display name as shown, and as compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    /// As the room shows it.
    pub shown: String,
    /// As names are compared.
    pub key: String,
}

/// Read a typed name; why it cannot be one, as a sentence.
pub fn read_name(typed: &str) -> Result<Name, String> {
    let shown = typed.split_whitespace().collect::<Vec<_>>().join(" ");
    if shown.is_empty() {
        return Err("a name cannot be empty: type the name the room should know you by".to_owned());
    }
    let length = shown.chars().count();
    if length > MAX_NAME_CHARS {
        return Err(format!(
            "a name has at most {MAX_NAME_CHARS} characters, and this one has {length}: shorten it"
        ));
    }
    if shown.chars().any(invisible) {
        return Err(
            "a name cannot hold control or invisible characters: type it with letters, digits and spaces".to_owned(),
        );
    }
    Ok(Name {
        key: shown.to_lowercase(),
        shown,
    })
}

/// Characters that print as nothing, or move the cursor: they would make two names look alike.
fn invisible(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_collapsed_and_compared_in_lower_case() {
        let name = read_name("  Ada   Lovelace \t").expect("a name");
        assert_eq!(name.shown, "Ada Lovelace");
        assert_eq!(name.key, "ada lovelace");
        assert_eq!(read_name("ADA lovelace").expect("a name").key, name.key);
        assert_eq!(read_name("李 雷").expect("a name").shown, "李 雷");
    }

    #[test]
    fn empty_long_and_invisible_names_are_refused_with_a_reason() {
        assert!(read_name("   ").expect_err("empty").contains("empty"));
        let long = "x".repeat(MAX_NAME_CHARS + 1);
        assert!(read_name(&long).expect_err("long").contains("at most 40"));
        assert!(read_name(&"x".repeat(MAX_NAME_CHARS)).is_ok());
        assert!(read_name("Ada\u{200B}").is_err());
        assert!(read_name("Ada\u{7}").is_err());
    }
}
