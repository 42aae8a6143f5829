//! A small client for RabbitMQ's management HTTP API.
//!
//! The relay uses it for what AMQP cannot do or see: broker facts, one vhost per run, policies, and
//! queue snapshots (message counts, paging, leader node). The API's statistics are sampled, so they
//! are snapshots for the summary, never the source of live animation.
//!
//! Credentials come from the management URL's userinfo and travel in a basic-auth header; the URL
//! named in errors never carries them.

use std::fmt;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};
use warren_shared::event::{BrokerInfo, NodeStatus, QueueSnapshot};
use warren_shared::scenario::Policy;

use super::address::{self, BrokerUrl, UrlError, encode_segment};

/// How long one management API request may take, connection included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// How long an idle HTTP connection to the management API is kept for the next request. Every
/// run polls the API; after a burst of runs, the idle connections (and their buffers, about
/// 70 KB each) are closed this soon rather than after reqwest's 90 s.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(10);

/// User assumed when the management URL names none.
pub const DEFAULT_USER: &str = "guest";

/// Password assumed when the management URL names no user.
pub const DEFAULT_PASSWORD: &str = "guest";

/// Tag put on every vhost Warren creates, so that leftovers can be recognised.
pub const VHOST_TAG: &str = "warren";

/// Longest piece of an unexpected response body quoted in an error.
const BODY_QUOTE_LIMIT: usize = 300;

/// Queue fields asked for, so that a busy broker does not send every statistic it keeps.
const QUEUE_COLUMNS: &str = "name,type,messages,messages_ready,messages_unacknowledged,messages_ram,\
messages_paged_out,messages_persistent,node,leader,backing_queue_status.mode,state,slave_nodes,\
synchronised_slave_nodes,members,online";

/// Why a management API call failed. Every message says what could not be done, where, and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ManagementError {
    /// The management URL cannot be used at all.
    #[error("could not use the management URL {url}: {reason}")]
    InvalidUrl {
        /// The URL, without its password.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Nothing answered: connection refused, unknown host or timeout.
    #[error(
        "could not reach the RabbitMQ management API at {url} to {what} ({cause}); the \
         rabbitmq_management plugin must be enabled (rabbitmq-plugins enable rabbitmq_management) \
         and listening at {url}"
    )]
    Unreachable {
        /// What the request was for, e.g. `read the broker overview`.
        what: String,
        /// The API base URL, without credentials.
        url: String,
        /// What went wrong underneath, e.g. `connection refused`.
        cause: String,
    },
    /// The broker answered 401.
    #[error(
        "could not {what}: the management API at {url} refused the credentials in the management \
         URL for user {user} (401: {reason}); check the user and password in that URL; Warren's \
         user also needs the administrator tag (rabbitmqctl set_user_tags {user} administrator)"
    )]
    Unauthorized {
        /// What the request was for.
        what: String,
        /// The API base URL, without credentials.
        url: String,
        /// The user whose credentials were refused.
        user: String,
        /// RabbitMQ's reason, e.g. `Login failed` or `Not management user`.
        reason: String,
    },
    /// The broker answered 403 to a vhost creation.
    #[error(
        "could not create vhost {vhost} at {url}: user {user} may not create vhosts: give it the \
         administrator tag (rabbitmqctl set_user_tags {user} administrator)"
    )]
    Forbidden {
        /// The vhost that could not be created.
        vhost: String,
        /// The API base URL, without credentials.
        url: String,
        /// The user that lacks the tag.
        user: String,
    },
    /// Any other unexpected status.
    #[error("could not {what}: the management API at {url} answered {status}: {body}")]
    Status {
        /// What the request was for.
        what: String,
        /// The API base URL, without credentials.
        url: String,
        /// HTTP status code.
        status: u16,
        /// RabbitMQ's `reason` when the error body carries one, else the start of the body.
        body: String,
    },
    /// The answer was not the JSON expected.
    #[error("could not {what}: the management API at {url} sent an answer that could not be read: {cause}")]
    Decode {
        /// What the request was for.
        what: String,
        /// The API base URL, without credentials.
        url: String,
        /// Why it could not be read.
        cause: String,
    },
}

/// A vhost as the management API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct VhostInfo {
    /// Vhost name.
    pub name: String,
    /// Free-text description (empty when none was set).
    #[serde(default)]
    pub description: String,
}

/// The entries of a vhost list that name a vhost (see [`Management::list_vhosts`]).
fn named_vhosts(entries: Vec<serde_json::Value>) -> Vec<VhostInfo> {
    entries
        .into_iter()
        .filter_map(|entry| match serde_json::from_value::<VhostInfo>(entry) {
            Ok(info) => Some(info),
            Err(error) => {
                tracing::debug!(%error, "left out a vhost entry that names no vhost");
                None
            }
        })
        .collect()
}

/// A management API client for one broker (any node of a cluster).
///
/// Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Management {
    http: reqwest::Client,
    /// Scheme, host, port and any path prefix, without credentials or trailing `/`.
    base: String,
    user: String,
    password: String,
    /// Limit for each request, connection included.
    timeout: Duration,
    /// Other nodes' API bases, tried in order when `base` does not answer (its node is down).
    fallbacks: Vec<String>,
}

impl fmt::Debug for Management {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Management")
            .field("base", &self.base)
            .field("user", &self.user)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl Management {
    /// A client for the management API at `management_url`, e.g. `http://guest:guest@127.0.0.1:15701`.
    ///
    /// Credentials are taken from the URL's userinfo (percent-decoded; `guest`/`guest` when absent) and
    /// sent as a basic-auth header. A path after the host (an API behind a reverse proxy) is kept as a
    /// prefix; query and fragment are ignored. Only plain `http` is supported.
    pub fn new(management_url: &str) -> Result<Self, ManagementError> {
        let url = read_url(management_url)?;
        let base = url.without_credentials();
        let (user, password) = url
            .credentials()
            .unwrap_or_else(|| (DEFAULT_USER.to_owned(), DEFAULT_PASSWORD.to_owned()));
        let mut builder = reqwest::Client::builder().pool_idle_timeout(POOL_IDLE_TIMEOUT);
        if url.is_loopback() {
            // An HTTP proxy from the environment cannot reach this machine's loopback.
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| ManagementError::InvalidUrl {
            url: base.clone(),
            reason: format!("the HTTP client could not be set up ({})", error_chain(&e)),
        })?;
        Ok(Self {
            http,
            base,
            user,
            password,
            timeout: REQUEST_TIMEOUT,
            fallbacks: Vec::new(),
        })
    }

    /// The same client, asking the other nodes' APIs (same credentials) when its own does not
    /// answer: a cluster's API stays reachable while one node is down.
    pub fn with_fallbacks(mut self, management_urls: &[String]) -> Self {
        self.fallbacks = management_urls
            .iter()
            .filter_map(|url| BrokerUrl::parse(url).ok())
            .map(|url| url.without_credentials())
            .filter(|base| *base != self.base)
            .collect();
        self
    }

    /// The same client with another per-request limit than [`REQUEST_TIMEOUT`], e.g. a short one
    /// to probe whether a broker is up.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The API base URL without credentials, fit for logs and messages.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The user the client authenticates as.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The name of the node whose management API answers (its `/api/overview` `node`).
    pub async fn answering_node(&self) -> Result<String, ManagementError> {
        #[derive(Deserialize)]
        struct Overview {
            node: String,
        }
        let overview: Overview = self.get_json("/api/overview", "read which node answers").await?;
        Ok(overview.node)
    }

    /// Broker version, Erlang version, cluster name and every node with whether it runs.
    ///
    /// A user without the `monitoring` (or `administrator`) tag may not list nodes; `nodes` is then
    /// the node that answered when the API names it, else empty.
    pub async fn overview(&self) -> Result<BrokerInfo, ManagementError> {
        #[derive(Deserialize)]
        struct Overview {
            #[serde(default)]
            rabbitmq_version: String,
            #[serde(default)]
            erlang_version: String,
            #[serde(default)]
            cluster_name: String,
            /// The node that answered; used when `/api/nodes` is not allowed.
            #[serde(default)]
            node: Option<String>,
        }
        #[derive(Deserialize)]
        struct Node {
            name: String,
            #[serde(default)]
            running: bool,
        }

        let what = "read the broker overview";
        let overview: Overview = self.get_json("/api/overview", what).await?;
        let what = "list the broker's nodes";
        let answer = match self.send(Method::GET, "/api/nodes", None, what).await {
            Ok((status, text)) if status != StatusCode::FORBIDDEN => Some((status, text)),
            // Users without the monitoring tag may not list nodes: 3.10 answers 401
            // "Not monitor user" (other versions 403).
            Ok(_) => None,
            Err(ManagementError::Unauthorized { reason, .. }) if reason.starts_with("Not ") => None,
            Err(e) => return Err(e),
        };
        let nodes = match answer {
            Some((status, text)) => {
                let nodes: Vec<Node> = self.decode(self.expect_ok(status, text, what)?, what)?;
                nodes
                    .into_iter()
                    .map(|n| NodeStatus {
                        name: n.name,
                        running: n.running,
                    })
                    .collect()
            }
            // Report the node that answered the overview.
            None => overview
                .node
                .into_iter()
                .map(|name| NodeStatus { name, running: true })
                .collect(),
        };
        Ok(BrokerInfo {
            version: overview.rabbitmq_version,
            erlang_version: overview.erlang_version,
            cluster_name: overview.cluster_name,
            nodes,
        })
    }

    /// Creates vhost `name` (or updates its description when it exists), tagged [`VHOST_TAG`], and gives
    /// the client's user full permissions on it.
    pub async fn create_vhost(&self, name: &str, description: &str) -> Result<(), ManagementError> {
        let what = format!("create vhost {name}");
        let path = format!("/api/vhosts/{}", encode_segment(name));
        let body = json!({ "description": description, "tags": VHOST_TAG });
        let forbidden = || ManagementError::Forbidden {
            vhost: name.to_owned(),
            url: self.base.clone(),
            user: self.user.clone(),
        };
        let (status, text) = match self.send(Method::PUT, &path, Some(body), &what).await {
            // RabbitMQ 3.10 answers a user without the administrator tag with 401
            // "Not administrator user", not 403.
            Err(ManagementError::Unauthorized { reason, .. }) if reason.starts_with("Not administrator") => {
                return Err(forbidden());
            }
            other => other?,
        };
        if status == StatusCode::FORBIDDEN {
            return Err(forbidden());
        }
        self.expect_ok(status, text, &what)?;

        let what = format!("give user {} permissions on vhost {name}", self.user);
        let path = format!(
            "/api/permissions/{}/{}",
            encode_segment(name),
            encode_segment(&self.user)
        );
        let body = json!({ "configure": ".*", "write": ".*", "read": ".*" });
        let (status, text) = self.send(Method::PUT, &path, Some(body), &what).await?;
        self.expect_ok(status, text, &what)?;
        Ok(())
    }

    /// Deletes vhost `name` with everything in it. A vhost that does not exist counts as deleted.
    pub async fn delete_vhost(&self, name: &str) -> Result<(), ManagementError> {
        let what = format!("delete vhost {name}");
        let path = format!("/api/vhosts/{}", encode_segment(name));
        self.delete(&path, &what).await
    }

    /// Every vhost the user can see: names and descriptions only (the sweep lists them every few
    /// seconds, and the full answer carries every vhost's statistics).
    ///
    /// While vhosts are being created or deleted, RabbitMQ 3.10 may list one as an empty list
    /// (`[]`, a record without its name yet): such an entry names nothing and is left out.
    pub async fn list_vhosts(&self) -> Result<Vec<VhostInfo>, ManagementError> {
        let entries: Vec<serde_json::Value> = self
            .get_json("/api/vhosts?columns=name,description", "list vhosts")
            .await?;
        Ok(named_vhosts(entries))
    }

    /// How many client connections are open on `vhost` (0 when the vhost does not exist).
    pub async fn vhost_connection_count(&self, vhost: &str) -> Result<usize, ManagementError> {
        let what = format!("count the connections on vhost {vhost}");
        let path = format!("/api/vhosts/{}/connections", encode_segment(vhost));
        let (status, text) = self.send(Method::GET, &path, None, &what).await?;
        if status == StatusCode::NOT_FOUND {
            return Ok(0);
        }
        let connections: Vec<serde::de::IgnoredAny> = self.decode(self.expect_ok(status, text, &what)?, &what)?;
        Ok(connections.len())
    }

    /// Closes every client connection on `vhost` as an operator does from the management UI:
    /// RabbitMQ sends each one `connection.close` with 320 `CONNECTION_FORCED - {reason}`.
    /// Returns how many it closed.
    pub async fn close_connections(&self, vhost: &str, reason: &str) -> Result<usize, ManagementError> {
        #[derive(Deserialize)]
        struct Named {
            name: String,
        }
        let what = format!("list the connections on vhost {vhost}");
        let path = format!("/api/vhosts/{}/connections", encode_segment(vhost));
        let connections: Vec<Named> = self.get_json(&path, &what).await?;
        for connection in &connections {
            let what = format!("close connection {}", connection.name);
            let path = format!("/api/connections/{}", encode_segment(&connection.name));
            self.delete_with(&path, &[("x-reason", reason)], &what).await?;
        }
        Ok(connections.len())
    }

    /// Sets (or replaces) `policy` on `vhost`.
    pub async fn set_policy(&self, vhost: &str, policy: &Policy) -> Result<(), ManagementError> {
        let what = format!("set policy {} on vhost {vhost}", policy.name);
        let path = format!(
            "/api/policies/{}/{}",
            encode_segment(vhost),
            encode_segment(&policy.name)
        );
        let body = json!({
            "pattern": policy.pattern,
            "definition": policy.definition,
            "priority": policy.priority,
            "apply-to": policy.apply_to.as_str(),
        });
        let (status, text) = self.send(Method::PUT, &path, Some(body), &what).await?;
        self.expect_ok(status, text, &what)?;
        Ok(())
    }

    /// Removes policy `name` from `vhost`. A policy that does not exist counts as removed.
    pub async fn clear_policy(&self, vhost: &str, name: &str) -> Result<(), ManagementError> {
        let what = format!("clear policy {name} on vhost {vhost}");
        let path = format!("/api/policies/{}/{}", encode_segment(vhost), encode_segment(name));
        self.delete(&path, &what).await
    }

    /// A snapshot of every queue on `vhost`, in the API's order (by name).
    pub async fn queues(&self, vhost: &str) -> Result<Vec<QueueSnapshot>, ManagementError> {
        let what = format!("list the queues on vhost {vhost}");
        let path = format!("/api/queues/{}?columns={QUEUE_COLUMNS}", encode_segment(vhost));
        // RabbitMQ 3.10 may repeat a key (`synchronised_slave_nodes`) in one queue object; reading
        // through `Value` keeps the last one instead of refusing the whole answer.
        let raw: Vec<Value> = self.get_json(&path, &what).await?;
        raw.into_iter()
            .map(|queue| {
                serde_json::from_value::<RawQueue>(queue)
                    .map(RawQueue::into_snapshot)
                    .map_err(|e| ManagementError::Decode {
                        what: what.clone(),
                        url: self.base.clone(),
                        cause: e.to_string(),
                    })
            })
            .collect()
    }

    /// A snapshot of queue `name` on `vhost`, or `None` when there is no such queue (or vhost).
    pub async fn queue(&self, vhost: &str, name: &str) -> Result<Option<QueueSnapshot>, ManagementError> {
        let what = format!("read queue {name} on vhost {vhost}");
        let path = format!(
            "/api/queues/{}/{}?columns={QUEUE_COLUMNS}",
            encode_segment(vhost),
            encode_segment(name)
        );
        let (status, text) = self.send(Method::GET, &path, None, &what).await?;
        if status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let raw: Value = self.decode(self.expect_ok(status, text, &what)?, &what)?;
        let raw: RawQueue = serde_json::from_value(raw).map_err(|e| ManagementError::Decode {
            what: what.clone(),
            url: self.base.clone(),
            cause: e.to_string(),
        })?;
        Ok(Some(raw.into_snapshot()))
    }

    /// Whether queue `name` exists on `vhost` (a cheap look-up: only its name is asked for).
    pub async fn queue_exists(&self, vhost: &str, name: &str) -> Result<bool, ManagementError> {
        let what = format!("look for queue {name} on vhost {vhost}");
        let path = format!(
            "/api/queues/{}/{}?columns=name",
            encode_segment(vhost),
            encode_segment(name)
        );
        let (status, text) = self.send(Method::GET, &path, None, &what).await?;
        if status == StatusCode::NOT_FOUND {
            return Ok(false);
        }
        self.expect_ok(status, text, &what)?;
        Ok(true)
    }

    /// GET `path` and decode a 2xx answer as JSON.
    async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str, what: &str) -> Result<T, ManagementError> {
        let (status, text) = self.send(Method::GET, path, None, what).await?;
        self.decode(self.expect_ok(status, text, what)?, what)
    }

    /// DELETE `path`; 404 (already gone) is success.
    async fn delete(&self, path: &str, what: &str) -> Result<(), ManagementError> {
        self.delete_with(path, &[], what).await
    }

    /// [`Management::delete`] with extra request headers.
    async fn delete_with(&self, path: &str, headers: &[(&str, &str)], what: &str) -> Result<(), ManagementError> {
        let (status, text) = self.send_with(Method::DELETE, path, None, headers, what).await?;
        if status != StatusCode::NOT_FOUND {
            self.expect_ok(status, text, what)?;
        }
        Ok(())
    }

    /// Sends one request and returns its status and body. 401 becomes [`ManagementError::Unauthorized`]
    /// here; callers judge every other status.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        what: &str,
    ) -> Result<(StatusCode, String), ManagementError> {
        self.send_with(method, path, body, &[], what).await
    }

    /// [`Management::send`] with extra request headers.
    async fn send_with(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
        what: &str,
    ) -> Result<(StatusCode, String), ManagementError> {
        let unreachable = |e: reqwest::Error| ManagementError::Unreachable {
            what: what.to_owned(),
            url: self.base.clone(),
            cause: describe_transport_error(&e, self.timeout),
        };
        let mut answer = None;
        let mut first_error = None;
        for base in std::iter::once(&self.base).chain(&self.fallbacks) {
            let mut request = self
                .http
                .request(method.clone(), format!("{base}{path}"))
                .timeout(self.timeout)
                .basic_auth(&self.user, Some(&self.password));
            if let Some(body) = &body {
                request = request.json(body);
            }
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            match request.send().await {
                Ok(response) => {
                    answer = Some(response);
                    break;
                }
                Err(error) => {
                    first_error.get_or_insert(error);
                }
            }
        }
        let response = match (answer, first_error) {
            (Some(response), _) => response,
            (None, Some(error)) => return Err(unreachable(error)),
            (None, None) => unreachable!("the base URL is always tried"),
        };
        let status = response.status();
        let text = response.text().await.map_err(unreachable)?;
        if status == StatusCode::UNAUTHORIZED {
            return Err(ManagementError::Unauthorized {
                what: what.to_owned(),
                url: self.base.clone(),
                user: self.user.clone(),
                reason: error_reason(&text),
            });
        }
        Ok((status, text))
    }

    /// The body of a 2xx answer, or [`ManagementError::Status`].
    fn expect_ok(&self, status: StatusCode, text: String, what: &str) -> Result<String, ManagementError> {
        if status.is_success() {
            Ok(text)
        } else {
            Err(ManagementError::Status {
                what: what.to_owned(),
                url: self.base.clone(),
                status: status.as_u16(),
                body: error_reason(&text),
            })
        }
    }

    fn decode<T: serde::de::DeserializeOwned>(&self, text: String, what: &str) -> Result<T, ManagementError> {
        serde_json::from_str(&text).map_err(|e| ManagementError::Decode {
            what: what.to_owned(),
            url: self.base.clone(),
            cause: format!("{e} in {}", quote(&text)),
        })
    }
}

/// `management_url` read; refused, without its password, unless it is a plain `http` URL with a
/// host.
fn read_url(management_url: &str) -> Result<BrokerUrl, ManagementError> {
    let url = BrokerUrl::parse(management_url).map_err(|error| ManagementError::InvalidUrl {
        url: address::redact(management_url),
        reason: match error {
            UrlError::NoScheme => "it must start with http://, e.g. http://guest:guest@127.0.0.1:15672".to_owned(),
            other => other.to_string(),
        },
    })?;
    if url.scheme() != "http" {
        return Err(ManagementError::InvalidUrl {
            url: url.without_credentials(),
            reason: "only plain http:// is supported; reach the management API over http (e.g. through a \
                     local port forward)"
                .to_owned(),
        });
    }
    Ok(url)
}

/// A short reason for a transport failure: `connection refused`, `no answer within 10 s`...
fn describe_transport_error(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        return if timeout.subsec_millis() == 0 {
            format!("no answer within {} s", timeout.as_secs())
        } else {
            format!("no answer within {:.1} s", timeout.as_secs_f64())
        };
    }
    // reqwest's own message names the URL; the innermost cause says what happened.
    let mut innermost: &dyn std::error::Error = e;
    while let Some(source) = innermost.source() {
        innermost = source;
    }
    let cause = innermost.to_string();
    if cause.is_empty() { e.to_string() } else { cause }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// RabbitMQ's `reason` from a JSON error body (`{"error":"bad_request","reason":"..."}`), else the
/// start of the body.
fn error_reason(body: &str) -> String {
    #[derive(Deserialize)]
    struct ErrorBody {
        #[serde(default)]
        error: Option<Value>,
        #[serde(default)]
        reason: Option<Value>,
    }
    // RabbitMQ HTML-escapes its reasons and spreads them over lines.
    let as_text = |v: Value| match v {
        Value::String(s) => quote(&unescape_html(&s)),
        other => quote(&other.to_string()),
    };
    match serde_json::from_str::<ErrorBody>(body) {
        Ok(ErrorBody {
            reason: Some(reason), ..
        }) => as_text(reason),
        Ok(ErrorBody {
            error: Some(error),
            reason: None,
        }) => as_text(error),
        _ if body.trim().is_empty() => "(empty body)".to_owned(),
        _ => quote(body),
    }
}

fn unescape_html(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// At most [`BODY_QUOTE_LIMIT`] characters of `text`, on one line.
fn quote(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match one_line.char_indices().nth(BODY_QUOTE_LIMIT) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}

/// A queue as `/api/queues` reports it. Statistics are absent until the broker first samples a new
/// queue, hence every field is optional.
#[derive(Debug, Deserialize)]
struct RawQueue {
    name: String,
    #[serde(default)]
    messages: Option<u64>,
    #[serde(default)]
    messages_ready: Option<u64>,
    #[serde(default)]
    messages_unacknowledged: Option<u64>,
    #[serde(default)]
    messages_ram: Option<u64>,
    #[serde(default)]
    messages_paged_out: Option<u64>,
    #[serde(default)]
    messages_persistent: Option<u64>,
    #[serde(default)]
    node: Option<String>,
    /// Quorum queues: the member that leads.
    #[serde(default)]
    leader: Option<String>,
    #[serde(default)]
    backing_queue_status: Option<BackingQueueStatus>,
    #[serde(default)]
    state: Option<String>,
    /// `classic` or `quorum`.
    #[serde(default, rename = "type")]
    kind: Option<String>,
    /// Classic mirrored queues (3.x): nodes with a mirror, and those in sync.
    #[serde(default)]
    slave_nodes: Vec<String>,
    #[serde(default)]
    synchronised_slave_nodes: Vec<String>,
    /// Quorum queues: member nodes, and those online.
    #[serde(default)]
    members: Vec<String>,
    #[serde(default)]
    online: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct BackingQueueStatus {
    #[serde(default)]
    mode: Option<String>,
}

impl RawQueue {
    fn into_snapshot(self) -> QueueSnapshot {
        QueueSnapshot {
            queue: self.name,
            messages: self.messages.unwrap_or(0),
            ready: self.messages_ready.unwrap_or(0),
            unacked: self.messages_unacknowledged.unwrap_or(0),
            consumers: None,
            ready_at_ms: None,
            in_ram: self.messages_ram.unwrap_or(0),
            paged_out: self.messages_paged_out.unwrap_or(0),
            persistent: self.messages_persistent.unwrap_or(0),
            node: self.leader.or(self.node),
            mode: self.backing_queue_status.and_then(|b| b.mode),
            state: self.state,
            kind: self.kind,
            mirrors: self.slave_nodes,
            synchronised_mirrors: self.synchronised_slave_nodes,
            members: self.members,
            online: self.online,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_key_in_a_queue_object_is_tolerated() {
        let text =
            r#"[{"name":"m","synchronised_slave_nodes":["a"],"slave_nodes":["a"],"synchronised_slave_nodes":["a"]}]"#;
        assert!(
            serde_json::from_str::<Vec<RawQueue>>(text).is_err(),
            "serde alone refuses it"
        );
        let values: Vec<Value> = serde_json::from_str(text).expect("JSON");
        let queue: RawQueue = serde_json::from_value(values[0].clone()).expect("read through Value");
        assert_eq!(queue.into_snapshot().synchronised_mirrors, vec!["a"]);
    }

    #[test]
    fn a_vhost_listed_as_an_empty_list_is_left_out() {
        // As RabbitMQ 3.10 answered while other runs' vhosts were being made.
        let text = r#"[[],{"description":"Default virtual host","name":"/"},{"name":"warren-run-1"}]"#;
        let entries: Vec<Value> = serde_json::from_str(text).expect("JSON");
        let names: Vec<String> = named_vhosts(entries).into_iter().map(|v| v.name).collect();
        assert_eq!(names, ["/", "warren-run-1"]);
    }

    #[test]
    fn takes_credentials_out_of_the_url() {
        let m = Management::new("http://admin:s%40cret%3A1@127.0.0.1:15701/").expect("client");
        assert_eq!(
            (m.base_url(), m.user(), m.password.as_str()),
            ("http://127.0.0.1:15701", "admin", "s@cret:1")
        );
        let m = Management::new("http://localhost:15672").expect("client");
        assert_eq!(
            (m.base_url(), m.user(), m.password.as_str()),
            ("http://localhost:15672", "guest", "guest")
        );
        let m = Management::new("http://u:p@[::1]:15672/rabbit/?x=1#y").expect("client");
        assert_eq!(m.base_url(), "http://[::1]:15672/rabbit");
        let m = m.with_fallbacks(&[
            "http://u:p@[::1]:15673/".to_owned(),
            "http://[::1]:15672/rabbit".to_owned(),
        ]);
        assert_eq!(m.fallbacks, ["http://[::1]:15673"]);
    }

    #[test]
    fn refuses_unusable_urls_without_showing_the_password() {
        let e = Management::new("https://u:topsecret@example.com:15671").expect_err("https");
        let text = e.to_string();
        assert!(text.starts_with("could not use the management URL https://example.com:15671"));
        assert!(!text.contains("topsecret"), "{text}");

        let e = Management::new("u:topsecret@example.com:15672").expect_err("no scheme");
        assert_eq!(
            e.to_string(),
            "could not use the management URL ***@example.com:15672: it must start with http://, e.g. \
             http://guest:guest@127.0.0.1:15672"
        );

        let e = Management::new("http://u:topsecret@/x").expect_err("no host");
        assert_eq!(
            e.to_string(),
            "could not use the management URL http://***@/x: it names no host"
        );
    }

    #[test]
    fn errors_read_well_and_hide_the_password() {
        let m = Management::new("http://bob:hunter2@127.0.0.1:1").expect("client");
        let e = ManagementError::Forbidden {
            vhost: "run-1".into(),
            url: m.base_url().into(),
            user: m.user().into(),
        };
        assert_eq!(
            e.to_string(),
            "could not create vhost run-1 at http://127.0.0.1:1: user bob may not create vhosts: \
             give it the administrator tag (rabbitmqctl set_user_tags bob administrator)"
        );
        assert!(!format!("{m:?}").contains("hunter2"));
    }

    #[tokio::test]
    async fn a_closed_port_reads_as_unreachable() {
        // Port 1 on loopback: nothing listens there.
        let m = Management::new("http://bob:hunter2@127.0.0.1:1").expect("client");
        let e = m.overview().await.expect_err("nothing listens on port 1");
        let text = e.to_string();
        println!("{text}");
        assert!(matches!(e, ManagementError::Unreachable { .. }), "{e:?}");
        assert!(text.starts_with("could not reach the RabbitMQ management API at http://127.0.0.1:1"));
        assert!(text.contains("rabbitmq_management"), "{text}");
        assert!(!text.contains("hunter2"), "{text}");
    }

    #[test]
    fn error_bodies_give_their_reason() {
        assert_eq!(
            error_reason(r#"{"error":"bad_request","reason":"inequivalent arg 'durable'"}"#),
            "inequivalent arg 'durable'"
        );
        assert_eq!(error_reason(r#"{"error":"Object Not Found"}"#), "Object Not Found");
        assert_eq!(error_reason("<html>oops</html>\n"), "<html>oops</html>");
        assert_eq!(error_reason(""), "(empty body)");
        assert_eq!(
            error_reason(
                r#"{"error":"bad_request","reason":"Validation failed\n\n&lt;&lt;\"bogus\"&gt;&gt; is not a valid ha-mode value\n"}"#
            ),
            r#"Validation failed <<"bogus">> is not a valid ha-mode value"#
        );
        let long = "x".repeat(1000);
        assert_eq!(error_reason(&long).chars().count(), BODY_QUOTE_LIMIT + 1);
    }

    #[test]
    fn maps_queue_json_to_snapshots() {
        let text = r#"[
          {"name":"lazy","type":"classic","messages":3000,"messages_ready":2990,
           "messages_unacknowledged":10,"messages_ram":0,"messages_paged_out":3000,
           "messages_persistent":0,"node":"warren-1@localhost",
           "backing_queue_status":{"mode":"lazy","len":3000},"state":"running"},
          {"name":"q.quorum","type":"quorum","messages":5,"messages_ready":5,
           "messages_unacknowledged":0,"messages_ram":5,"messages_persistent":5,
           "node":"warren-1@localhost","leader":"warren-2@localhost","state":"running",
           "members":["warren-1@localhost","warren-2@localhost","warren-3@localhost"],
           "online":["warren-1@localhost","warren-2@localhost"]},
          {"name":"mirrored","type":"classic","node":"warren-2@localhost",
           "slave_nodes":["warren-1@localhost","warren-3@localhost"],
           "synchronised_slave_nodes":["warren-1@localhost"]},
          {"name":"fresh","node":"warren-1@localhost","state":"running"}
        ]"#;
        let raw: Vec<RawQueue> = serde_json::from_str(text).expect("sample parses");
        let snapshots: Vec<QueueSnapshot> = raw.into_iter().map(RawQueue::into_snapshot).collect();
        assert_eq!(
            snapshots[0],
            QueueSnapshot {
                queue: "lazy".into(),
                messages: 3000,
                ready: 2990,
                unacked: 10,
                in_ram: 0,
                paged_out: 3000,
                persistent: 0,
                node: Some("warren-1@localhost".into()),
                mode: Some("lazy".into()),
                state: Some("running".into()),
                kind: Some("classic".into()),
                ..QueueSnapshot::default()
            }
        );
        assert_eq!(snapshots[1].node.as_deref(), Some("warren-2@localhost"));
        assert_eq!(snapshots[1].mode, None);
        assert_eq!(snapshots[1].persistent, 5);
        assert_eq!(snapshots[1].members.len(), 3);
        assert_eq!(snapshots[1].online.len(), 2);
        assert_eq!(snapshots[2].mirrors, vec!["warren-1@localhost", "warren-3@localhost"]);
        assert!(snapshots[2].unsynchronised());
        assert_eq!(
            snapshots[3],
            QueueSnapshot {
                queue: "fresh".into(),
                node: Some("warren-1@localhost".into()),
                state: Some("running".into()),
                ..QueueSnapshot::default()
            }
        );
    }
}
