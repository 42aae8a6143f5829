//! The relay's run vhosts on the real broker: the pool hands each ready vhost to one run only
//! and deletes what it holds at shutdown; the sweep deletes the vhosts of a relay whose lease is
//! gone and never those of a relay that holds one. Waits poll generously: the machine may be
//! busy.

use lapin::options::QueueDeclareOptions;
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties};
use std::collections::HashSet;
use std::time::Duration;
use tokio::time::Instant;
use warren_relay::vhost::{self, RelayId, sweep};
use warren_shared::EventKind;
use warren_tests::{Relay, broker, example, run_vhosts, vhost_gone};

/// How long the relay gets to do something in the background.
const PATIENCE: Duration = Duration::from_secs(45);

/// Wait until `done` holds, up to [`PATIENCE`]; returns whether it did.
async fn eventually(mut done: impl AsyncFnMut() -> bool) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while Instant::now() < deadline {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    done().await
}

/// The run vhosts on the broker made by `relay`.
async fn made_by(broker: &warren_relay::connect::Broker, relay: &RelayId) -> HashSet<String> {
    run_vhosts(broker)
        .await
        .into_iter()
        .filter(|name| vhost::parse(name).and_then(|v| v.relay).as_ref() == Some(relay))
        .collect()
}

#[tokio::test]
async fn pool_vhosts_go_to_one_run_each_and_are_deleted_at_shutdown() {
    let relay = Relay::start_configured(|config| config.vhost_pool = 2).await;
    let me = relay.state.vhosts.relay().cloned().expect("the relay holds a lease");
    assert!(
        eventually(async || relay.state.pool.ready_count() == 2).await,
        "the pool fills"
    );
    let ready = made_by(&relay.state.broker, &me).await;
    assert_eq!(ready.len(), 2, "{ready:?}");

    // Five runs, two at a time, each in its own vhost; the first two are the pool's.
    let (mut a, _) = relay.connect().await;
    let (mut b, _) = relay.connect().await;
    let mut used = Vec::new();
    for _ in 0..3 {
        a.run(&example("returns.json")).await;
        b.run(&example("returns.json")).await;
        let (ra, rb) = tokio::join!(a.follow_run(), b.follow_run());
        for record in [ra, rb] {
            used.push(record.vhost().expect("the run started in a vhost").to_owned());
            assert_eq!(record.summary.expect("the run ends").returned, 100);
        }
    }
    let distinct: HashSet<&String> = used.iter().collect();
    assert_eq!(distinct.len(), used.len(), "no vhost served two runs: {used:?}");
    assert!(
        used[..2].iter().all(|v| ready.contains(v)),
        "the first runs took the ready vhosts {ready:?}, not {used:?}"
    );
    for vhost in &used {
        assert!(
            vhost::parse(vhost).and_then(|v| v.relay).as_ref() == Some(&me),
            "{vhost} carries the relay's id"
        );
        assert!(
            vhost_gone(&relay.state.broker, vhost, PATIENCE).await,
            "{vhost} is deleted after its run"
        );
    }
    // The pool made new ones to replace those taken, never the same names again.
    assert!(
        eventually(async || relay.state.pool.ready_count() == 2).await,
        "the pool fills again"
    );
    let refilled = made_by(&relay.state.broker, &me).await;
    assert!(refilled.iter().all(|v| !used.contains(v)), "{refilled:?} / {used:?}");

    let broker = relay.state.broker.clone();
    relay.stop().await;
    assert!(
        made_by(&broker, &me).await.is_empty(),
        "shutdown deleted every vhost the relay made"
    );
}

#[tokio::test]
async fn the_sweep_deletes_a_dead_relays_vhosts_and_keeps_a_live_ones() {
    let broker = broker().await;
    let dead = RelayId::new();
    let alive = RelayId::new();
    // The live relay's lease: its exclusive queue on `/`, held by this connection.
    let lease = Connection::connect(
        &broker.endpoints.amqp_url_for_vhost("/"),
        ConnectionProperties::default(),
    )
    .await
    .expect("a connection to /");
    let channel = lease.create_channel().await.expect("a channel");
    let options = QueueDeclareOptions {
        exclusive: true,
        auto_delete: true,
        ..QueueDeclareOptions::default()
    };
    channel
        .queue_declare(alive.lease_queue().as_str().into(), options, FieldTable::default())
        .await
        .expect("the lease queue");
    let orphan = vhost::new_vhost(Some(&dead));
    let kept = vhost::new_vhost(Some(&alive));
    for name in [&orphan, &kept] {
        broker
            .management
            .create_vhost(name, "a test's vhost")
            .await
            .expect("created");
    }

    let relay = Relay::start_configured(|config| config.sweep_interval = Duration::from_secs(1)).await;
    assert!(
        vhost_gone(&broker, &orphan, PATIENCE).await,
        "{orphan}, whose relay holds no lease, is swept"
    );
    // A few more sweeps go by; the live relay's vhost stays.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        run_vhosts(&broker).await.contains(&kept),
        "{kept} is kept while its relay lives"
    );

    // The live relay dies: its lease goes with its connection, and its vhost with the next sweep.
    lease
        .close(200, "the test's relay is gone".into())
        .await
        .expect("closed");
    assert!(
        vhost_gone(&broker, &kept, PATIENCE).await,
        "{kept} is swept once its relay's lease is gone"
    );
    relay.stop().await;
}

#[tokio::test]
async fn a_relay_sweeps_its_own_vhosts_that_no_run_uses() {
    // Only the start-up sweep runs by itself; the test sweeps when it is ready.
    let relay = Relay::start_configured(|config| config.sweep_interval = Duration::from_secs(3600)).await;
    let me = relay.state.vhosts.relay().cloned().expect("the relay holds a lease");
    // A vhost named after the relay but not registered with it, as when a deletion failed.
    let stray = vhost::new_vhost(Some(&me));
    relay
        .state
        .broker
        .management
        .create_vhost(&stray, "a test's vhost")
        .await
        .expect("created");
    let found = sweep::sweep_once(&relay.state.vhosts).await.expect("a sweep");
    assert!(found >= 1, "the sweep found {stray}");
    assert!(
        vhost_gone(&relay.state.broker, &stray, PATIENCE).await,
        "{stray} is swept by its own relay"
    );
    // A run's vhost is registered: the sweep leaves it alone while the run goes on.
    let (mut client, _) = relay.connect().await;
    let mut slow = example("confirms.json");
    slow.publishers[0].rate_per_sec = Some(25.0);
    client.run(&slow).await;
    let started = client
        .read_until(|e| matches!(e.kind, EventKind::Published { .. }))
        .await;
    let used = started.vhost().expect("a vhost").to_owned();
    sweep::sweep_once(&relay.state.vhosts).await.expect("a sweep");
    assert!(
        run_vhosts(&relay.state.broker).await.contains(&used),
        "{used} is kept while its run goes on"
    );
    let record = client.follow_run_into(started).await;
    assert_eq!(
        record.summary.expect("the run ends").published,
        100,
        "{used} was not swept under the run"
    );
    relay.stop().await;
}
