//! Who may open a WebSocket: the `Origin` check against cross-site pages, and the cap on sockets
//! open at once from one client address.
//!
//! # Layout
//! - [`check_origin`]: the relay's own page, the origins named with `--allow-origin`, and clients
//!   that send no `Origin` at all (the CLI, tests) pass; any other page is refused.
//! - [`AddressSlots`]: one [`AddressSlot`] per open socket, counted per client IP.
//! - [`Refusal`]: why an upgrade was refused, turned into its HTTP answer in one place.
//!
//! A browser always sends `Origin` on a WebSocket upgrade and a page cannot change it, so a page
//! on another site (say http://evil.example) cannot drive the relay on the visitor's machine.

use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError};
use url::Url;

/// Why a WebSocket upgrade was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A page of another origin tried to connect.
    #[error(
        "this relay accepts WebSocket connections only from its own page, and {origin} is another origin. \
         If {origin} is yours (a reverse proxy in front of the relay, for one), start the relay with \
         --allow-origin {origin} (or add it to WARREN_ALLOW_ORIGIN, comma-separated)"
    )]
    Origin {
        /// The `Origin` header as sent.
        origin: String,
    },
    /// The client address already has its maximum of sockets open.
    #[error(
        "{address} already has {limit} WebSocket connections open to this relay, its limit; close \
         some tabs, or raise the limit with --max-sockets-per-address (WARREN_MAX_SOCKETS_PER_ADDRESS)"
    )]
    TooManySockets {
        /// The client's IP address.
        address: IpAddr,
        /// The cap.
        limit: usize,
    },
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let status = match self {
            Self::Origin { .. } => StatusCode::FORBIDDEN,
            Self::TooManySockets { .. } => StatusCode::TOO_MANY_REQUESTS,
        };
        tracing::warn!(status = status.as_u16(), "refused a WebSocket: {self}");
        (status, format!("{self}\n")).into_response()
    }
}

/// Let the upgrade through when it comes from the relay's own page (same host and port as the
/// request's `Host`, over http or https, where that host is an IP address or `localhost`), from
/// one of `allowed` (origins as [`parse_origin`] writes them), or from a client that sends no
/// `Origin`.
///
/// A page reached through any other host name must be named with `--allow-origin`: otherwise a
/// site whose name an attacker points at 127.0.0.1 (DNS rebinding) would send a matching `Host`
/// and `Origin` and pass as the relay's own page.
pub fn check_origin(headers: &HeaderMap, uri: &Uri, allowed: &[String]) -> Result<(), Refusal> {
    let Some(origin) = headers.get(ORIGIN) else {
        return Ok(());
    };
    let shown = String::from_utf8_lossy(origin.as_bytes()).into_owned();
    let refused = || Refusal::Origin { origin: shown.clone() };
    let origin = origin
        .to_str()
        .ok()
        .and_then(|text| Url::parse(text).ok())
        .filter(|url| matches!(url.scheme(), "http" | "https"))
        .ok_or_else(refused)?;
    let host = headers
        .get(HOST)
        .and_then(|host| host.to_str().ok())
        .or_else(|| uri.authority().map(|authority| authority.as_str()));
    let own = host.and_then(|host| bare_origin(&format!("{}://{host}", origin.scheme())));
    if own.is_some_and(|own| own.origin() == origin.origin() && names_this_machine(&own)) {
        return Ok(());
    }
    let serialized = origin.origin().ascii_serialization();
    if allowed.contains(&serialized) {
        return Ok(());
    }
    Err(refused())
}

/// Whether `url`'s host cannot be a name someone else controls: an IP address, `localhost` or a
/// name under `.localhost` (which browsers resolve to loopback themselves).
fn names_this_machine(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        Some(url::Host::Domain(name)) => name == "localhost" || name.ends_with(".localhost"),
        None => false,
    }
}

/// Read an origin for `--allow-origin`: `http` or `https`, a host, perhaps a port, nothing else.
/// Returns it as browsers send it (`https://warren.example.com`, default ports left out), which
/// is how [`check_origin`] compares.
pub fn parse_origin(text: &str) -> Result<String, String> {
    let url = bare_origin(text.trim()).ok_or_else(|| {
        format!("{text:?} is not an origin: write the scheme, host and port only, e.g. https://warren.example.com or http://10.0.0.5:8080")
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!("{text:?} is not an http or https origin"));
    }
    Ok(url.origin().ascii_serialization())
}

/// `text` as a URL with nothing but a scheme, host and port (a trailing `/` is allowed).
fn bare_origin(text: &str) -> Option<Url> {
    Url::parse(text).ok().filter(|url| {
        url.host().is_some()
            && url.path() == "/"
            && url.username().is_empty()
            && url.password().is_none()
            && url.query().is_none()
            && url.fragment().is_none()
    })
}

/// Sockets open at once per client IP, capped.
#[derive(Debug, Clone)]
pub struct AddressSlots {
    limit: usize,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl AddressSlots {
    /// At most `limit` sockets per address.
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            open: Arc::default(),
        }
    }

    /// A slot for one more socket from `address`, held for as long as the socket is open; refused
    /// when the address already has its maximum.
    pub fn take(&self, address: IpAddr) -> Result<AddressSlot, Refusal> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.entry(address).or_default();
        if *count >= self.limit {
            return Err(Refusal::TooManySockets {
                address,
                limit: self.limit,
            });
        }
        *count += 1;
        Ok(AddressSlot {
            address,
            open: Arc::clone(&self.open),
        })
    }

    /// Sockets open from `address` now.
    pub fn open(&self, address: IpAddr) -> usize {
        let open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        open.get(&address).copied().unwrap_or(0)
    }
}

/// One open socket's place in its address's count; dropping it gives the place back.
#[derive(Debug)]
pub struct AddressSlot {
    address: IpAddr,
    open: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.address) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.address);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(host: Option<&str>, origin: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Some(host) = host {
            headers.insert(HOST, HeaderValue::from_str(host).expect("header"));
        }
        if let Some(origin) = origin {
            headers.insert(ORIGIN, HeaderValue::from_str(origin).expect("header"));
        }
        headers
    }

    fn check(host: &str, origin: Option<&str>, allowed: &[&str]) -> Result<(), Refusal> {
        let allowed: Vec<String> = allowed.iter().map(|a| parse_origin(a).expect("origin")).collect();
        check_origin(&headers(Some(host), origin), &Uri::from_static("/ws"), &allowed)
    }

    #[test]
    fn the_own_page_and_clients_without_origin_pass() {
        assert_eq!(check("127.0.0.1:8080", None, &[]), Ok(()));
        assert_eq!(check("127.0.0.1:8080", Some("http://127.0.0.1:8080"), &[]), Ok(()));
        assert_eq!(check("[::1]:8080", Some("http://[::1]:8080"), &[]), Ok(()));
        assert_eq!(check("localhost:8080", Some("http://localhost:8080"), &[]), Ok(()));
        assert_eq!(check("192.168.1.5:8080", Some("http://192.168.1.5:8080"), &[]), Ok(()));
        // Behind a TLS proxy that keeps the Host: the page is https on the default port, and its
        // name is allowed by option.
        let proxy = ["https://warren.example"];
        assert_eq!(check("warren.example", Some("https://warren.example"), &proxy), Ok(()));
        assert_eq!(
            check("Warren.Example:443", Some("https://warren.example"), &proxy),
            Ok(())
        );
    }

    #[test]
    fn a_host_name_matching_its_origin_is_not_enough() {
        // DNS rebinding: rebind.example resolves to 127.0.0.1, so Host and Origin agree.
        let refused = check("rebind.example:8080", Some("http://rebind.example:8080"), &[]);
        assert!(matches!(refused, Err(Refusal::Origin { .. })), "{refused:?}");
    }

    #[test]
    fn other_origins_are_refused_unless_allowed() {
        let refused = check("127.0.0.1:8080", Some("http://evil.example"), &[]);
        let Err(refusal) = refused else {
            panic!("evil.example passed")
        };
        let text = refusal.to_string();
        assert!(
            text.contains("http://evil.example") && text.contains("--allow-origin"),
            "{text}"
        );
        for origin in [
            "http://localhost:8080",
            "http://127.0.0.1:8081",
            "http://127.0.0.1",
            "null",
            "file://",
            "ws://127.0.0.1:8080",
        ] {
            assert!(check("127.0.0.1:8080", Some(origin), &[]).is_err(), "{origin} passed");
        }
        assert!(check("127.0.0.1:8080/x", Some("http://127.0.0.1:8080"), &[]).is_err());
        assert_eq!(
            check(
                "10.0.0.5:8080",
                Some("https://warren.example"),
                &["https://warren.example/"]
            ),
            Ok(())
        );
        assert_eq!(
            check(
                "10.0.0.5:8080",
                Some("https://warren.example:443"),
                &["https://warren.example"]
            ),
            Ok(())
        );
        assert!(
            check(
                "10.0.0.5:8080",
                Some("http://warren.example"),
                &["https://warren.example"]
            )
            .is_err()
        );
    }

    #[test]
    fn allowed_origins_are_scheme_host_and_port_only() {
        assert_eq!(
            parse_origin("https://Warren.example:443/").as_deref(),
            Ok("https://warren.example")
        );
        assert_eq!(
            parse_origin("http://10.0.0.5:8080").as_deref(),
            Ok("http://10.0.0.5:8080")
        );
        for bad in [
            "warren.example",
            "https://warren.example/app",
            "ftp://x",
            "https://u@x",
            "*",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn slots_are_capped_per_address_and_given_back() {
        let slots = AddressSlots::new(2);
        let a: IpAddr = [10, 0, 0, 1].into();
        let b: IpAddr = [10, 0, 0, 2].into();
        let first = slots.take(a).expect("first");
        let _second = slots.take(a).expect("second");
        assert!(matches!(slots.take(a), Err(Refusal::TooManySockets { limit: 2, .. })));
        assert!(slots.take(b).is_ok(), "another address has its own count");
        drop(first);
        assert_eq!(slots.open(a), 1);
        assert!(slots.take(a).is_ok());
    }
}
