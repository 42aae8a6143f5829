//! The relay against unwelcome clients, over a real socket: pages of other origins, too many
//! sockets from one address, a page that stops reading during a big run, and a silent socket.
//! Waits are generous and poll: the machine running them may be busy.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use warren_shared::{EventKind, ServerMessage};
use warren_tests::{Relay, example, vhost_gone};

/// How long the relay gets to notice something and act on it.
const PATIENCE: Duration = Duration::from_secs(120);
const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Wait until `done` holds, up to [`PATIENCE`]; returns whether it did.
async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    done()
}

#[tokio::test]
async fn a_page_of_another_origin_is_refused_with_403_and_told_how_to_allow_it() {
    let relay = Relay::start().await;
    let refused = relay
        .try_connect(Some("http://evil.example"))
        .await
        .err()
        .expect("a page on evil.example may not connect");
    assert_eq!(refused.status, 403);
    assert!(refused.body.contains("http://evil.example"), "{}", refused.body);
    assert!(refused.body.contains("--allow-origin"), "{}", refused.body);
    // Same host, other port: another origin too.
    let other_port = format!("http://127.0.0.1:{}", relay.addr.port().wrapping_add(1));
    assert_eq!(
        relay.try_connect(Some(&other_port)).await.err().map(|r| r.status),
        Some(403)
    );
}

#[tokio::test]
async fn the_relays_own_page_and_clients_without_origin_connect() {
    let relay = Relay::start().await;
    let own = format!("http://{}", relay.addr);
    let (_page, hello) = relay.try_connect(Some(&own)).await.expect("the own page connects");
    assert!(matches!(hello, ServerMessage::Hello { .. }), "{hello:?}");
    let (_cli, hello) = relay.try_connect(None).await.expect("a client without Origin connects");
    assert!(matches!(hello, ServerMessage::Hello { .. }), "{hello:?}");
}

#[tokio::test]
async fn an_allowed_origin_connects() {
    let relay = Relay::start_configured(|config| {
        config.allowed_origins = vec!["https://warren.example".to_owned()];
    })
    .await;
    let (_client, hello) = relay
        .try_connect(Some("https://warren.example"))
        .await
        .expect("the allowed origin connects");
    assert!(matches!(hello, ServerMessage::Hello { .. }), "{hello:?}");
    let refused = relay.try_connect(Some("http://warren.example")).await.err();
    assert_eq!(refused.map(|r| r.status), Some(403), "another scheme is another origin");
}

#[tokio::test]
async fn sockets_over_the_per_address_cap_get_429_until_one_closes() {
    let relay = Relay::start_configured(|config| config.sockets.max_per_address = 3).await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(relay.connect().await.0);
    }
    let refused = relay.try_connect(None).await.err().expect("a fourth socket is refused");
    assert_eq!(refused.status, 429);
    assert!(refused.body.contains("--max-sockets-per-address"), "{}", refused.body);
    open.pop().expect("a client").drop_connection();
    assert!(
        eventually(|| relay.state.sockets.open(LOOPBACK) < 3).await,
        "the closed socket gave its place back"
    );
    let (_client, hello) = relay.try_connect(None).await.expect("room again");
    assert!(matches!(hello, ServerMessage::Hello { .. }));
}

#[tokio::test]
async fn a_page_that_stops_reading_is_dropped_and_its_run_stopped_without_holding_up_others() {
    let relay = Relay::start_configured(|config| config.sockets.max_backlog = 256).await;
    let (mut slow, _) = relay.connect_small_window().await;
    let mut big = example("confirms.json");
    big.publishers[0].count = 100_000;
    big.publishers[0].persistent = false;
    big.publishers[0].rate_per_sec = None;
    slow.run(&big).await;
    let started = slow
        .read_until(|e| matches!(e.kind, EventKind::RunStarted { .. }))
        .await;
    let vhost = started.vhost().expect("the run started in a vhost").to_owned();
    // From here on the slow page reads nothing.

    let (mut other, _) = relay.connect().await;
    other.run(&example("returns.json")).await;
    let summary = other.follow_run().await.summary.expect("the other run finishes");
    assert_eq!(summary.returned, 100);

    assert!(
        eventually(|| relay.state.sockets.open(LOOPBACK) <= 1).await,
        "the relay dropped the page that stopped reading"
    );
    assert!(
        vhost_gone(&relay.state.broker, &vhost, PATIENCE).await,
        "the dropped page's run was stopped and {vhost} deleted"
    );
    // What reached the page before the relay gave up: some events, never the run's end.
    let messages = slow.read_to_end().await;
    let events: usize = messages
        .iter()
        .map(|m| match m {
            ServerMessage::Events { events, .. } => events.len(),
            _ => 0,
        })
        .sum();
    assert!(
        events < 200_000,
        "the run was cut short, not streamed whole ({events} events)"
    );
    for message in &messages {
        match message {
            ServerMessage::Events { .. } => {}
            ServerMessage::Error { message } => assert!(message.contains("fell too far behind"), "{message}"),
            other => panic!("unexpected message to a dropped page: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_silent_socket_is_closed_after_the_idle_timeout() {
    let relay = Relay::start_configured(|config| {
        // No ping before the timeout: a pong the client's reader answers with, written to a
        // socket the relay has already closed, would reset the connection before the idle error
        // is read. Pings have a test of their own below.
        config.sockets.ping_interval = Duration::from_secs(60);
        config.sockets.idle_timeout = Duration::from_secs(3);
    })
    .await;
    let (mut client, _) = relay.connect().await;
    assert!(
        eventually(|| relay.state.sockets.open(LOOPBACK) == 0).await,
        "the relay closed the silent socket"
    );
    let messages = client.read_to_end().await;
    match messages.last() {
        Some(ServerMessage::Error { message }) => assert!(message.contains("nothing came from the page"), "{message}"),
        other => panic!("expected the idle error last, got {other:?}"),
    }
}

#[tokio::test]
async fn pings_arrive_and_a_page_that_answers_them_stays_open() {
    let relay = Relay::start_configured(|config| {
        config.sockets.ping_interval = Duration::from_secs(1);
        config.sockets.idle_timeout = Duration::from_secs(8);
    })
    .await;
    let (mut client, _) = relay.connect().await;
    // Reading answers each ping with a pong; the page sends nothing else for over twice the
    // idle timeout.
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut pings = 0;
    while let Ok(frame) = tokio::time::timeout_at(deadline, client.frame()).await {
        match frame {
            Some(Message::Ping(_)) => pings += 1,
            Some(_) => {}
            None => panic!("the relay closed a socket that answered its pings"),
        }
    }
    assert!(pings >= 2, "{pings} pings in 20 s");
    client.send_text(r#"{"type":"stop"}"#).await;
    match client.recv().await {
        ServerMessage::Error { message } => assert!(message.contains("no run"), "{message}"),
        other => panic!("expected an error, got {other:?}"),
    }
}
