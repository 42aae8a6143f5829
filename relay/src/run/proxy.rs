//! A small TCP proxy between the run's AMQP client and the broker, so a timeline step can cut
//! the relay's own connections for a while: the broker as the publisher sees it during an outage.
//! It works against any broker, because nothing on the broker is touched.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// How long connecting to the broker may take.
const UPSTREAM_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A listening proxy; stops when dropped.
#[derive(Debug)]
pub struct Proxy {
    addr: SocketAddr,
    state: Arc<Mutex<CutState>>,
    accept: JoinHandle<()>,
}

#[derive(Debug)]
struct CutState {
    /// Cancelled to drop every open connection.
    generation: CancellationToken,
    /// New connections are refused until then.
    refuse_until: Option<Instant>,
}

impl Proxy {
    /// Listen on a free loopback port and forward to `upstream` (`host:port`).
    pub async fn start(upstream: String) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(CutState {
            generation: CancellationToken::new(),
            refuse_until: None,
        }));
        let accept = tokio::spawn(accept_loop(listener, upstream, Arc::clone(&state)));
        Ok(Self { addr, state, accept })
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// A handle that can cut the proxy's connections from elsewhere.
    pub fn handle(&self) -> CutHandle {
        CutHandle(Arc::clone(&self.state))
    }

    /// Drop every open connection and refuse new ones for `duration`.
    pub fn cut(&self, duration: Duration) {
        self.handle().cut(duration);
    }
}

/// Cuts a [`Proxy`]'s connections.
#[derive(Debug, Clone)]
pub struct CutHandle(Arc<Mutex<CutState>>);

impl CutHandle {
    /// Drop every open connection and refuse new ones for `duration`.
    pub fn cut(&self, duration: Duration) {
        let mut state = self.0.lock().unwrap_or_else(|e| e.into_inner());
        state.generation.cancel();
        state.generation = CancellationToken::new();
        state.refuse_until = Some(Instant::now() + duration);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.accept.abort();
        self.state.lock().unwrap_or_else(|e| e.into_inner()).generation.cancel();
    }
}

async fn accept_loop(listener: TcpListener, upstream: String, state: Arc<Mutex<CutState>>) {
    loop {
        let Ok((client, _)) = listener.accept().await else {
            continue;
        };
        let generation = {
            let state = state.lock().unwrap_or_else(|e| e.into_inner());
            if state.refuse_until.is_some_and(|until| Instant::now() < until) {
                drop(client);
                continue;
            }
            state.generation.clone()
        };
        tokio::spawn(forward(client, upstream.clone(), generation));
    }
}

async fn forward(mut client: TcpStream, upstream: String, generation: CancellationToken) {
    let Ok(Ok(mut server)) = tokio::time::timeout(UPSTREAM_CONNECT_TIMEOUT, TcpStream::connect(&upstream)).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    tokio::select! {
        () = generation.cancelled() => {}
        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn a_cut_drops_connections_and_refuses_new_ones_for_a_while() {
        let echo = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let upstream = echo.local_addr().expect("addr").to_string();
        tokio::spawn(async move {
            while let Ok((mut s, _)) = echo.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 64];
                    while let Ok(n) = s.read(&mut buf).await {
                        if n == 0 || s.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                });
            }
        });
        let proxy = Proxy::start(upstream).await.expect("proxy");
        let mut c = TcpStream::connect(proxy.addr()).await.expect("connect");
        c.write_all(b"ping").await.expect("write");
        let mut buf = [0u8; 4];
        c.read_exact(&mut buf).await.expect("echo");
        assert_eq!(&buf, b"ping");

        proxy.cut(Duration::from_millis(300));
        assert_eq!(c.read(&mut buf).await.unwrap_or(0), 0, "the open connection is dropped");
        let mut refused = TcpStream::connect(proxy.addr()).await.expect("tcp accept");
        assert_eq!(
            refused.read(&mut buf).await.unwrap_or(0),
            0,
            "a new one is closed at once"
        );

        tokio::time::sleep(Duration::from_millis(350)).await;
        let mut again = TcpStream::connect(proxy.addr()).await.expect("connect");
        again.write_all(b"pong").await.expect("write");
        again.read_exact(&mut buf).await.expect("echo after the cut");
        assert_eq!(&buf, b"pong");
    }
}
