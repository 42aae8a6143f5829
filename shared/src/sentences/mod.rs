//! The sentences Warren writes for people, each written once, in English, as a template with
//! named slots (`there is no {kind} named "{name}"`).
//!
//! Whoever writes a sentence fills its template ([`say!`], [`fill`]); the page, to show it in
//! another language, finds the template a sentence was made from ([`captures`]) and fills that
//! template's translation with the same values. So the English of a sentence exists only here,
//! and the page's translation is keyed by the template itself.
//!
//! A slot holds a name, a number or RabbitMQ's words, which stay as they are, unless the slot is
//! one of [`TRANSLATED`]: those hold words or a sentence of Warren's own (or of serde, or of the
//! AMQP client), which the page translates too when it knows them.
//!
//! Template syntax: `{name}` is a slot (lowercase letters and `_`), `{{` and `}}` are braces. Two
//! slots never touch: a sentence could not be split between them again.
//!
//! # Layout
//! - here: filling and matching templates, the lists of every template and every word.
//! - [`problems`]: what validation says about a scenario or an exercise.
//! - [`relay`]: what the relay says during a run and over the socket.
//! - [`foreign`]: what serde, serde_json and the AMQP client say, as they say it.

/// Declares a module's templates (`NAME: "template",`), each documented by its text, and their
/// list `ALL`; then its words (`NAME: "word",`) and their list `WORDS`.
macro_rules! templates {
    ($($name:ident: $text:literal,)* ; $($word:ident: $word_text:literal,)*) => {
        $(#[doc = $text] pub const $name: &str = $text;)*
        /// Every template of this module.
        pub const ALL: &[&str] = &[$($name),*];
        $(#[doc = $word_text] pub const $word: &str = $word_text;)*
        /// Every word of this module that fills a [`super::TRANSLATED`] slot.
        pub const WORDS: &[&str] = &[$($word),*];
    };
}

pub mod foreign;
pub mod problems;
pub mod relay;

use std::fmt::{Display, Write};

/// Slots whose values are Warren's words (`queue`), or a sentence of Warren's, serde's or the
/// AMQP client's: the page translates their values as well. Every other slot holds a name, a
/// number or RabbitMQ's words, kept as they are.
pub const TRANSLATED: &[&str] = &[
    "kind",
    "what",
    "language",
    "action",
    "error",
    "cause",
    "reason",
    "expected",
    "unexpected",
    "step",
    "waited",
    "queues",
];

/// Every template, group by group.
pub const GROUPS: &[&[&str]] = &[problems::ALL, relay::ALL, foreign::ALL];

/// Every word that fills a [`TRANSLATED`] slot, group by group.
pub const WORD_GROUPS: &[&[&str]] = &[problems::WORDS, relay::WORDS, foreign::WORDS];

/// Every template, in the order of [`GROUPS`].
pub fn all() -> impl Iterator<Item = &'static str> {
    GROUPS.iter().flat_map(|group| group.iter().copied())
}

/// Every word, in the order of [`WORD_GROUPS`].
pub fn words() -> impl Iterator<Item = &'static str> {
    WORD_GROUPS.iter().flat_map(|group| group.iter().copied())
}

/// A sentence from a template: `say!(TEMPLATE, name = value, count)` fills `{name}` with `value`
/// and `{count}` with the variable `count` (anything that is `Display`).
#[macro_export]
macro_rules! say {
    (@value $name:ident $value:expr) => {
        $value
    };
    (@value $name:ident) => {
        $name
    };
    ($template:expr $(, $name:ident $(= $value:expr)?)* $(,)?) => {
        $crate::sentences::fill(
            $template,
            &[$((stringify!($name), &$crate::say!(@value $name $($value)?) as &(dyn ::core::fmt::Display + Sync))),*],
        )
    };
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece<'t> {
    /// Text as it reads (braces unescaped).
    Text(String),
    /// A slot, by name.
    Slot(&'t str),
}

/// A template cut into its pieces; a `{` that opens no slot is text.
pub fn pieces(template: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut rest = template;
    while let Some(c) = rest.chars().next() {
        if let Some(after) = rest.strip_prefix("{{") {
            text.push('{');
            rest = after;
        } else if let Some(after) = rest.strip_prefix("}}") {
            text.push('}');
            rest = after;
        } else if let Some((name, after)) = slot(rest) {
            if !text.is_empty() {
                pieces.push(Piece::Text(std::mem::take(&mut text)));
            }
            pieces.push(Piece::Slot(name));
            rest = after;
        } else {
            text.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    pieces
}

/// `{name}` at the start of `text`: the name and what follows.
fn slot(text: &str) -> Option<(&str, &str)> {
    let inner = text.strip_prefix('{')?;
    let end = inner.find('}')?;
    let name = &inner[..end];
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')).then(|| (name, &inner[end + 1..]))
}

/// The sentence `template` makes with these values; a slot without a value stays as written.
/// (The values are `Sync` so that a sentence can be made in an `.await` expression of a task.)
pub fn fill(template: &str, values: &[(&str, &(dyn Display + Sync))]) -> String {
    let mut out = String::with_capacity(template.len() + 16 * values.len());
    for piece in pieces(template) {
        match piece {
            Piece::Text(text) => out.push_str(&text),
            Piece::Slot(name) => match values.iter().find(|(n, _)| *n == name) {
                Some((_, value)) => {
                    let _ = write!(out, "{value}");
                }
                None => {
                    let _ = write!(out, "{{{name}}}");
                }
            },
        }
    }
    out
}

/// The values of `template`'s slots when `sentence` was made from it, each slot once, in the
/// order they first appear; `None` when it was not. A slot takes as little as it can while the
/// rest still matches, and a slot that appears twice must hold the same both times.
pub fn captures<'t, 's>(template: &'t str, sentence: &'s str) -> Option<Vec<(&'t str, &'s str)>> {
    let pieces = pieces(template);
    let mut found = Vec::new();
    matches(&pieces, sentence, &mut found).then_some(found)
}

fn matches<'t, 's>(pieces: &[Piece<'t>], sentence: &'s str, found: &mut Vec<(&'t str, &'s str)>) -> bool {
    match pieces {
        [] => sentence.is_empty(),
        [Piece::Text(text), rest @ ..] => {
            sentence.starts_with(text.as_str()) && matches(rest, &sentence[text.len()..], found)
        }
        [Piece::Slot(name), rest @ ..] => {
            let ends: Vec<usize> = match rest.first() {
                None => vec![sentence.len()],
                Some(Piece::Text(next)) => sentence.match_indices(next.as_str()).map(|(at, _)| at).collect(),
                // Two slots side by side cannot be told apart.
                Some(Piece::Slot(_)) => return false,
            };
            for end in ends {
                let value = &sentence[..end];
                let known = found.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
                if known.is_some_and(|v| v != value) {
                    continue;
                }
                let before = found.len();
                if known.is_none() {
                    found.push((name, value));
                }
                if matches(rest, &sentence[end..], found) {
                    return true;
                }
                found.truncate(before);
            }
            false
        }
    }
}

/// The template among `templates` that `sentence` was made from, with its slots' values: of
/// several that could have made it, the one with the most text of its own ([`weight`]).
pub fn reading<'t, 's>(
    templates: impl IntoIterator<Item = &'t str>,
    sentence: &'s str,
) -> Option<(&'t str, Vec<(&'t str, &'s str)>)> {
    templates
        .into_iter()
        .filter_map(|template| captures(template, sentence).map(|found| (template, found)))
        .max_by_key(|(template, _)| weight(template))
}

/// How much of `template` is its own text: of two templates that make the same sentence, the one
/// with more is the better reading.
pub fn weight(template: &str) -> usize {
    pieces(template)
        .iter()
        .map(|piece| match piece {
            Piece::Text(text) => text.chars().count(),
            Piece::Slot(_) => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_is_filled_and_read_back() {
        let template = "there is no {kind} named \"{name}\"";
        let name = "my \"odd\" queue";
        let sentence = say!(template, kind = "queue", name);
        assert_eq!(sentence, "there is no queue named \"my \"odd\" queue\"");
        assert_eq!(
            captures(template, &sentence),
            Some(vec![("kind", "queue"), ("name", "my \"odd\" queue")])
        );
        assert_eq!(captures(template, "there is no queue called \"q\""), None);
    }

    #[test]
    fn braces_numbers_and_several_slots() {
        let template = "a scenario is an object such as {{\"version\": {version}}}, not {kind}";
        let sentence = say!(template, version = 1, kind = "an array");
        assert_eq!(
            sentence,
            "a scenario is an object such as {\"version\": 1}, not an array"
        );
        assert_eq!(
            captures(template, &sentence),
            Some(vec![("version", "1"), ("kind", "an array")])
        );
        let limit = "{n} {what} is more than this relay's limit of {max}";
        assert_eq!(
            captures(limit, "51 timeline steps is more than this relay's limit of 50"),
            Some(vec![("n", "51"), ("what", "timeline steps"), ("max", "50")])
        );
        assert_eq!(fill("{missing} stays", &[]), "{missing} stays");
    }

    #[test]
    fn a_repeated_slot_holds_the_same_value() {
        let template = "\"{name}\" waits for \"{name}\"";
        assert_eq!(
            captures(template, "\"a b\" waits for \"a b\""),
            Some(vec![("name", "a b")])
        );
        assert_eq!(captures(template, "\"a\" waits for \"b\""), None);
    }

    #[test]
    fn slots_take_what_the_rest_leaves() {
        // As little as it can: a name with `: ` in it ends at the first one.
        let template = "could not purge {queue}: {error}";
        assert_eq!(
            captures(template, "could not purge a: b: 404 NOT_FOUND - no queue 'a: b'"),
            Some(vec![("queue", "a"), ("error", "b: 404 NOT_FOUND - no queue 'a: b'")])
        );
        assert_eq!(captures("{a}{b}", "xy"), None, "touching slots never match");
        assert_eq!(weight("there is no {kind} named \"{name}\""), 21);
    }

    #[test]
    fn templates_are_well_formed_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for template in all() {
            assert!(seen.insert(template), "{template} is listed twice");
            let pieces = pieces(template);
            assert!(
                pieces
                    .windows(2)
                    .all(|w| !matches!(w, [Piece::Slot(_), Piece::Slot(_)])),
                "{template}: two slots touch"
            );
            assert!(!template.contains("{}"), "{template}: a slot needs a name");
        }
        let mut seen = std::collections::HashSet::new();
        for word in words() {
            assert!(seen.insert(word), "{word} is listed twice");
        }
    }
}
