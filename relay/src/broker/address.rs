//! Broker URLs, read with the `url` crate: what a message may show of them, where they point, and
//! the same URL pointed at another vhost, host or port.
//!
//! Both kinds of broker URL carry credentials (`amqp://user:password@host:5672`,
//! `http://user:password@host:15672`); [`redact`] is the one way to show one.
//!
//! An AMQP URL names its vhost in its path, percent-encoded, as RabbitMQ's URI spec says and lapin
//! reads it: `amqp://h/%2F` is the default vhost `/`, `amqp://h/` the vhost with the empty name, and
//! `amqp://h` without a path the default vhost `/` again.

use std::net::{Ipv4Addr, SocketAddr};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use url::{Host, Url};

/// RabbitMQ's AMQP port, for a URL that names none.
pub const DEFAULT_AMQP_PORT: u16 = 5672;
/// RabbitMQ's management HTTP port.
pub const DEFAULT_MANAGEMENT_PORT: u16 = 15672;

/// What [`redact`] shows instead of a password.
const HIDDEN: &str = "***";

/// Characters escaped in one URL path segment: everything except RFC 3986's unreserved characters,
/// so that a vhost or queue named `/`, `a b` or `x?y` stays one segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes `value` as one URL path segment (`/` becomes `%2F`).
pub fn encode_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// Why a text is not a broker URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    /// No `scheme://host` at its start, e.g. `localhost:5672` or `user:pw@host`.
    #[error("it does not start with a scheme and a host, e.g. amqp://host")]
    NoScheme,
    /// `scheme://` with nothing where the host should be.
    #[error("it names no host")]
    NoHost,
    /// Anything else the `url` crate refused, e.g. a port beyond 65535.
    #[error("it is not a valid URL ({0})")]
    Invalid(url::ParseError),
}

/// A broker URL with a host: an AMQP URL or a management API URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerUrl {
    url: Url,
}

impl BrokerUrl {
    /// Reads `text`, which must have a scheme and a host.
    pub fn parse(text: &str) -> Result<Self, UrlError> {
        let url = Url::parse(text).map_err(|error| match error {
            url::ParseError::RelativeUrlWithoutBase => UrlError::NoScheme,
            url::ParseError::EmptyHost => UrlError::NoHost,
            other => UrlError::Invalid(other),
        })?;
        match url.host_str() {
            Some(host) if !host.is_empty() => Ok(Self { url }),
            // `localhost:5672` reads as the scheme `localhost` with the path `5672`.
            None if url.cannot_be_a_base() => Err(UrlError::NoScheme),
            _ => Err(UrlError::NoHost),
        }
    }

    /// The scheme, lower case: `amqp`, `amqps`, `http`...
    pub fn scheme(&self) -> &str {
        self.url.scheme()
    }

    /// The host as a URL writes it (an IPv6 address in brackets).
    pub fn host(&self) -> &str {
        self.url.host_str().unwrap_or_default()
    }

    /// Whether the host is this machine: `localhost` or a loopback address.
    pub fn is_loopback(&self) -> bool {
        match self.url.host() {
            Some(Host::Domain(name)) => {
                name.eq_ignore_ascii_case("localhost") || name.parse::<Ipv4Addr>().is_ok_and(|ip| ip.is_loopback())
            }
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
    }

    /// `host:port`, with `default_port` when the URL names none.
    pub fn host_port(&self, default_port: u16) -> String {
        format!("{}:{}", self.host(), self.url.port().unwrap_or(default_port))
    }

    /// User and password, percent-decoded; `None` when the URL names no user. A user without a
    /// password has the empty one.
    pub fn credentials(&self) -> Option<(String, String)> {
        let decode = |s: &str| percent_decode_str(s).decode_utf8_lossy().into_owned();
        let user = self.url.username();
        let password = self.url.password();
        (!user.is_empty() || password.is_some()).then(|| (decode(user), decode(password.unwrap_or(""))))
    }

    /// Scheme, host, port and path, without credentials, query, fragment or a trailing `/`: what
    /// the URL points at, fit for messages.
    pub fn without_credentials(&self) -> String {
        let mut url = self.url.clone();
        // Neither can fail: the URL has a host.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_query(None);
        url.set_fragment(None);
        url.as_str().trim_end_matches('/').to_owned()
    }

    /// A URL of `scheme` on the same host with the same credentials, at `port` and without path:
    /// how the management URL of a broker is guessed from its AMQP URL and back.
    pub fn with_scheme_and_port(&self, scheme: &str, port: u16) -> String {
        let user = self.url.username();
        let userinfo = match self.url.password() {
            Some(password) => format!("{user}:{password}@"),
            None if !user.is_empty() => format!("{user}@"),
            None => String::new(),
        };
        format!("{scheme}://{userinfo}{}:{port}", self.host())
    }

    /// The same URL pointing at `address` instead of its host and port.
    pub fn with_address(&self, address: SocketAddr) -> String {
        let mut url = self.url.clone();
        // Neither can fail: the URL has a host.
        let _ = url.set_ip_host(address.ip());
        let _ = url.set_port(Some(address.port()));
        url.into()
    }

    /// The AMQP URL that opens a connection on `vhost`: its path is replaced by `/` and the vhost,
    /// percent-encoded as one segment (the default vhost `/` becomes `%2F`, the empty name leaves
    /// the path `/`); the fragment, which means nothing to an AMQP client, is dropped; scheme,
    /// credentials, host, port and query (e.g. `?heartbeat=10`) are kept.
    pub fn with_vhost(&self, vhost: &str) -> String {
        let mut url = self.url.clone();
        url.set_path(&format!("/{}", encode_segment(vhost)));
        url.set_fragment(None);
        url.into()
    }

    /// The same URL with `key=value` added to its query, unless the query already names `key`
    /// (the user's setting wins).
    pub fn with_query_default(&self, key: &str, value: &str) -> String {
        let mut url = self.url.clone();
        if !url.query_pairs().any(|(name, _)| name == key) {
            url.query_pairs_mut().append_pair(key, value);
        }
        url.into()
    }

    /// The URL with its password, if any, replaced by `***`.
    fn redacted(&self) -> String {
        let mut url = self.url.clone();
        if url.password().is_some() {
            // Cannot fail: the URL has a host.
            let _ = url.set_password(Some(HIDDEN));
        }
        // An http URL always has a path; `http://h:1` reads better without the `/` it gains.
        let bare = url.is_special() && url.path() == "/" && url.query().is_none() && url.fragment().is_none();
        let mut text: String = url.into();
        if bare {
            text.pop();
        }
        text
    }
}

/// `text`, a URL, with its password replaced by `***`, for messages and logs.
///
/// A text that is not a URL with a host may still hold credentials before an `@` that the `url`
/// crate could not place: everything between its scheme and its last `@` is hidden then.
pub fn redact(text: &str) -> String {
    if let Ok(url) = BrokerUrl::parse(text) {
        return url.redacted();
    }
    let Some((before, after)) = text.rsplit_once('@') else {
        return text.to_owned();
    };
    let scheme = before
        .split_once("://")
        .map(|(scheme, _)| scheme)
        .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)));
    match scheme {
        Some(scheme) => format!("{scheme}://{HIDDEN}@{after}"),
        None => format!("{HIDDEN}@{after}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> BrokerUrl {
        BrokerUrl::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn reads_hosts_ports_and_credentials() {
        let url = parse("http://admin:s%40cret%3A1@127.0.0.1:15701/");
        assert_eq!(url.scheme(), "http");
        assert_eq!(url.host(), "127.0.0.1");
        assert_eq!(url.host_port(80), "127.0.0.1:15701");
        assert_eq!(url.credentials(), Some(("admin".into(), "s@cret:1".into())));
        assert!(url.is_loopback());

        let url = parse("amqp://rabbit");
        assert_eq!(url.host_port(DEFAULT_AMQP_PORT), "rabbit:5672");
        assert_eq!(url.credentials(), None);
        assert!(!url.is_loopback());
        assert_eq!(parse("amqp://u@h").credentials(), Some(("u".into(), String::new())));

        let url = parse("http://u:p@[::1]:15672/rabbit/?x=1#y");
        assert_eq!(url.host(), "[::1]");
        assert_eq!(url.host_port(80), "[::1]:15672");
        assert!(url.is_loopback());
        assert_eq!(parse("amqp://u:p@[::1]/").host_port(DEFAULT_AMQP_PORT), "[::1]:5672");
        assert!(parse("amqp://[::1]:5701").is_loopback());
        assert!(parse("amqp://127.0.0.1:5701").is_loopback());
        assert!(parse("http://LocalHost:15672").is_loopback());
    }

    #[test]
    fn refuses_texts_without_a_scheme_and_a_host() {
        for text in [
            "localhost:5672",
            "u:topsecret@example.com:15672",
            "not a url",
            "127.0.0.1:5672",
            "",
        ] {
            assert_eq!(BrokerUrl::parse(text), Err(UrlError::NoScheme), "{text}");
        }
        assert_eq!(BrokerUrl::parse("http://u:p@/x"), Err(UrlError::NoHost));
        assert_eq!(BrokerUrl::parse("amqp:///vhost"), Err(UrlError::NoHost));
        assert!(matches!(
            BrokerUrl::parse("amqp://h:99999"),
            Err(UrlError::Invalid(url::ParseError::InvalidPort))
        ));
    }

    #[test]
    fn strips_credentials_query_and_trailing_slash() {
        for (url, bare) in [
            ("http://admin:pw@127.0.0.1:15701/", "http://127.0.0.1:15701"),
            ("http://localhost:15672", "http://localhost:15672"),
            ("http://u:p@[::1]:15672/rabbit/?x=1#y", "http://[::1]:15672/rabbit"),
            ("https://u:topsecret@example.com:15671", "https://example.com:15671"),
        ] {
            assert_eq!(parse(url).without_credentials(), bare, "{url}");
        }
    }

    #[test]
    fn passwords_are_redacted() {
        for (url, shown) in [
            ("amqp://guest:secret@host:5672/vh", "amqp://guest:***@host:5672/vh"),
            ("amqp://guest:guest@127.0.0.1:5701", "amqp://guest:***@127.0.0.1:5701"),
            ("http://guest:guest@127.0.0.1:15701", "http://guest:***@127.0.0.1:15701"),
            ("http://u:pw@h:1/x", "http://u:***@h:1/x"),
            (
                "amqps://u:p%40ss@[::1]:5671/%2F?heartbeat=5",
                "amqps://u:***@[::1]:5671/%2F?heartbeat=5",
            ),
            ("amqp://:secret@h", "amqp://:***@h"),
            // Nothing to hide.
            ("http://host:15672", "http://host:15672"),
            ("amqp://guest@host", "amqp://guest@host"),
            ("localhost:5672", "localhost:5672"),
            // Not URLs the `url` crate can place: all that may be credentials goes.
            ("u:pw@h", "***@h"),
            ("u:topsecret@example.com:15672", "***@example.com:15672"),
            ("http://u:p@/x", "http://***@/x"),
            ("amqp://u:p@ss@h:99999", "amqp://***@h:99999"),
        ] {
            assert_eq!(redact(url), shown, "{url}");
        }
        for text in [
            "amqp://u:s3cret@h",
            "u:s3cret@h",
            "http://u:s3cret@/",
            "amqp://u:s3cret@h:99999/v",
        ] {
            assert!(!redact(text).contains("s3cret"), "{text}: {}", redact(text));
        }
    }

    #[test]
    fn guesses_one_url_from_the_other() {
        assert_eq!(
            parse("amqp://u:p@rabbit.local:5672/%2f").with_scheme_and_port("http", DEFAULT_MANAGEMENT_PORT),
            "http://u:p@rabbit.local:15672"
        );
        assert_eq!(
            parse("http://u:p@10.0.0.1:15672").with_scheme_and_port("amqp", DEFAULT_AMQP_PORT),
            "amqp://u:p@10.0.0.1:5672"
        );
        assert_eq!(
            parse("amqps://u%40x@[::1]:5671").with_scheme_and_port("http", 15671),
            "http://u%40x@[::1]:15671"
        );
        assert_eq!(parse("amqp://h").with_scheme_and_port("http", 1), "http://h:1");
    }

    #[test]
    fn points_the_url_at_another_address() {
        let v4: SocketAddr = "127.0.0.1:4000".parse().expect("address");
        assert_eq!(
            parse("amqp://u:p@host:5701/%2f?heartbeat=5").with_address(v4),
            "amqp://u:p@127.0.0.1:4000/%2f?heartbeat=5"
        );
        assert_eq!(parse("amqp://rabbit").with_address(v4), "amqp://127.0.0.1:4000");
        let v6: SocketAddr = "[::1]:4001".parse().expect("address");
        assert_eq!(
            parse("amqp://u:p@[::2]:5701/v").with_address(v6),
            "amqp://u:p@[::1]:4001/v"
        );
    }

    #[test]
    fn adds_a_query_setting_unless_the_url_names_it() {
        assert_eq!(
            parse("amqp://u:p@h:5701/%2F").with_query_default("frame_max", "16384"),
            "amqp://u:p@h:5701/%2F?frame_max=16384"
        );
        assert_eq!(
            parse("amqp://h/v?heartbeat=5").with_query_default("frame_max", "16384"),
            "amqp://h/v?heartbeat=5&frame_max=16384"
        );
        assert_eq!(
            parse("amqp://h/v?frame_max=131072").with_query_default("frame_max", "16384"),
            "amqp://h/v?frame_max=131072"
        );
    }

    #[test]
    fn puts_the_vhost_in_the_path() {
        let url = parse("amqp://guest:guest@127.0.0.1:5701");
        for (vhost, path) in [
            ("warren-run-1", "/warren-run-1"),
            ("/", "/%2F"),
            ("", "/"),
            ("a b/c?d#e%f", "/a%20b%2Fc%3Fd%23e%25f"),
            ("run.1_x~y-z", "/run.1_x~y-z"),
            ("lapin-ü", "/lapin-%C3%BC"),
            ("a:b@c", "/a%3Ab%40c"),
        ] {
            assert_eq!(
                url.with_vhost(vhost),
                format!("amqp://guest:guest@127.0.0.1:5701{path}"),
                "{vhost}"
            );
        }
    }

    #[test]
    fn replaces_a_configured_vhost_and_keeps_the_query() {
        for (url, with_run) in [
            (
                "amqps://u%40x:p%2Fw@broker.example:5671/%2F?heartbeat=10&frame_max=0",
                "amqps://u%40x:p%2Fw@broker.example:5671/run?heartbeat=10&frame_max=0",
            ),
            ("amqp://localhost/some/vhost#frag", "amqp://localhost/run"),
            ("amqp://localhost/", "amqp://localhost/run"),
            ("amqp://localhost?heartbeat=5#x", "amqp://localhost/run?heartbeat=5"),
            ("amqp://[::1]:5701/old", "amqp://[::1]:5701/run"),
        ] {
            assert_eq!(parse(url).with_vhost("run"), with_run, "{url}");
        }
    }

    /// lapin reads the vhost back from the URL as the AMQP URI spec says: the path without its `/`,
    /// percent-decoded, and `/` when there is no path at all.
    #[test]
    fn lapin_reads_the_vhost_that_was_put_in() {
        use lapin::uri::AMQPUri;
        let vhost_of = |url: &str| url.parse::<AMQPUri>().map(|uri| uri.vhost).expect("lapin reads it");
        let url = parse("amqp://guest:guest@127.0.0.1:5701/old?heartbeat=5");
        for vhost in ["/", "", "warren-run-1-2-3", "a b/c?d#e%f", "lapin-ü", "a:b@c"] {
            assert_eq!(vhost_of(&url.with_vhost(vhost)), vhost);
        }
        assert_eq!(vhost_of("amqp://h"), "/");
        assert_eq!(vhost_of("amqp://h/"), "");
        assert_eq!(vhost_of("amqp://h/%2F"), "/");
        assert_eq!(vhost_of("amqp://h/%2f"), "/");
    }
}
