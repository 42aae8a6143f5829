//! The animation of a run: tokens that travel the canvas as messages are published, routed,
//! delivered and returned, and flashes on publishers and consumers for confirms and
//! settlements.
//!
//! [`Animator`] is plain data driven by a clock in milliseconds ([`Animator::step`]), so it is
//! tested on the host. The page calls it from one `requestAnimationFrame` loop and draws what
//! [`Animator::sprites`] returns. Events arrive in bursts (a hundred messages may be published
//! in the same millisecond), so publishes are let out at a pace that depends on the backlog; when
//! the backlog or the number of live tokens is too large, messages are counted instead of drawn.

use crate::model::layout::{Curve, EdgeKind, Layout, NodeKind};
use std::collections::{HashMap, VecDeque};
use warren_shared::event::Settlement;
use warren_shared::{Event, EventKind};

/// Most tokens alive at once; beyond this, messages are counted instead of drawn.
pub const MAX_TOKENS: usize = 600;
/// A backlog of publishes larger than this is counted, not drawn, so the page keeps up.
pub const FAST_BACKLOG: usize = 600;
/// Events handled per frame at most, so one frame never takes long.
const FRAME_BUDGET: usize = 20_000;
/// A delivery or return this close (in run time) to its publish is shown as one journey.
const PULL_MS: u64 = 15;
/// A burst of publishes is let out over about this long, so the animation never lags far behind.
const DRAIN_MS: f64 = 1_800.0;
/// How long a token waits at its exchange for its delivery or return before moving on alone.
const WAIT_MS: f64 = 600.0;
/// How long a finished token takes to fade.
const FADE_MS: f64 = 450.0;
/// How long a flash lasts.
const FLASH_MS: f64 = 600.0;
/// Token speed along edges, in canvas units per millisecond.
const SPEED: f64 = 0.42;
/// Visible tokens of one colour closer than this (canvas units: they would overlap) are drawn
/// as one, with a count.
const PILE_DISTANCE: f64 = 12.0;

/// What a token's colour says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// On its way, fate unknown.
    Flying,
    /// Delivered to a consumer.
    Delivered,
    /// Delivered through an alternate exchange.
    BackedUp,
    /// Returned to its publisher.
    Returned,
    /// Nacked by the broker.
    Nacked,
    /// Routed nowhere and not returned.
    Lost,
    /// Waiting in a queue.
    Stored,
    /// Delivered again.
    Redelivered,
    /// Acked (flash).
    Acked,
    /// Rejected, expired or pushed out of a queue and sent to its dead-letter exchange.
    DeadLettered,
}

impl Tone {
    /// CSS class suffix.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Flying => "flying",
            Self::Delivered => "delivered",
            Self::BackedUp => "backedup",
            Self::Returned => "returned",
            Self::Nacked => "nacked",
            Self::Lost => "lost",
            Self::Stored => "stored",
            Self::Redelivered => "redelivered",
            Self::Acked => "acked",
            Self::DeadLettered => "deadlettered",
        }
    }
}

/// What the animation needs of an event (the rest is ignored).
#[derive(Debug, Clone)]
enum Cue {
    Published {
        publisher: String,
        id: String,
        exchange: String,
        routing_key: String,
        priority: Option<u8>,
    },
    Delivered {
        consumer: String,
        queue: String,
        id: String,
        exchange: String,
        redelivered: bool,
    },
    Returned {
        publisher: String,
        id: String,
        exchange: String,
    },
    Confirmed {
        publisher: String,
        id: String,
        ack: bool,
    },
    Settled {
        consumer: String,
        queue: String,
        id: String,
        ok: bool,
        requeue: bool,
    },
    DeadLettered {
        id: String,
        from_queue: String,
        reason: String,
        seen_in: String,
    },
}

impl Cue {
    /// Whether it may start a token of its own (and so is paced).
    fn may_spawn(&self) -> bool {
        matches!(self, Self::Published { .. } | Self::Delivered { .. })
    }

    fn of(event: &Event) -> Option<Self> {
        Some(match &event.kind {
            EventKind::Published {
                publisher,
                id,
                exchange,
                routing_key,
                priority,
                ..
            } => Self::Published {
                publisher: publisher.clone(),
                id: id.clone(),
                exchange: exchange.clone(),
                routing_key: routing_key.clone(),
                priority: *priority,
            },
            EventKind::Delivered {
                consumer,
                queue,
                id,
                exchange,
                redelivered,
                ..
            } => Self::Delivered {
                consumer: consumer.clone(),
                queue: queue.clone(),
                id: id.clone(),
                exchange: exchange.clone(),
                redelivered: *redelivered,
            },
            EventKind::Returned {
                publisher,
                id,
                exchange,
                ..
            } => Self::Returned {
                publisher: publisher.clone(),
                id: id.clone(),
                exchange: exchange.clone(),
            },
            EventKind::Confirmed { publisher, id, ack } => Self::Confirmed {
                publisher: publisher.clone(),
                id: id.clone(),
                ack: *ack,
            },
            EventKind::Settled {
                consumer,
                queue,
                id,
                action,
                requeue,
            } => Self::Settled {
                consumer: consumer.clone(),
                queue: queue.clone(),
                id: id.clone(),
                ok: *action == Settlement::Ack,
                requeue: *requeue,
            },
            EventKind::DeadLettered {
                id,
                from_queue,
                reason,
                seen_in,
            } => Self::DeadLettered {
                id: id.clone(),
                from_queue: from_queue.clone(),
                reason: reason.clone(),
                seen_in: seen_in.clone(),
            },
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
struct Leg {
    curve: Curve,
    duration: f64,
    /// Crossing a node's box: the token is hidden so it never covers the node's text.
    inside: bool,
    /// The colour the token takes when this leg starts.
    tone: Option<Tone>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    Moving,
    /// Arrived at its exchange at this time, waiting for its fate.
    Waiting(f64),
    /// Done; fading out since this time.
    Fading(f64),
}

#[derive(Debug, Clone)]
struct Token {
    key: u64,
    message: String,
    legs: VecDeque<Leg>,
    leg_started: f64,
    tone: Tone,
    label: Option<String>,
    phase: Phase,
    /// Where it is (or stopped).
    at: (f64, f64),
    /// The exchange it was published to and its routing key, for the prediction on time-out.
    exchange: String,
    routing_key: String,
    /// Whether it ends waiting (at its exchange) or fading, once its legs are done.
    wait_after: bool,
    /// Inside a node's box just now.
    hidden: bool,
    /// Run time of the event that started it.
    t_ms: u64,
}

impl Token {
    /// A token that starts moving along `legs` at `now`, without label, ending in a fade.
    fn moving(
        message: String,
        legs: VecDeque<Leg>,
        now: f64,
        tone: Tone,
        at: (f64, f64),
        exchange: String,
        t_ms: u64,
    ) -> Self {
        Self {
            key: 0,
            message,
            legs,
            leg_started: now,
            tone,
            label: None,
            phase: Phase::Moving,
            at,
            exchange,
            routing_key: String::new(),
            wait_after: false,
            hidden: false,
            t_ms,
        }
    }
}

/// One token to draw.
#[derive(Debug, Clone, PartialEq)]
pub struct Sprite {
    /// Stable while the token lives.
    pub key: u64,
    /// Message id.
    pub message: String,
    /// Centre.
    pub x: f64,
    /// Centre.
    pub y: f64,
    /// Colour.
    pub tone: Tone,
    /// The priority, when the message has one.
    pub label: Option<String>,
    /// From 0 to 1.
    pub opacity: f64,
}

/// The run's animation.
#[derive(Debug, Default)]
pub struct Animator {
    layout: Layout,
    /// Cues waiting, with the run time (`t_ms`) of their event and its place among the events
    /// pushed since the reset.
    feed: VecDeque<(u64, Cue, usize)>,
    /// Events pushed since the reset, cues or not.
    pushed: usize,
    /// Cues in the feed that may start a token (publishes and deliveries).
    pending_publishes: usize,
    tokens: Vec<Token>,
    by_message: HashMap<String, u64>,
    next_key: u64,
    last_spawn: f64,
    /// When the publishes waiting now should all have been let out.
    drain_by: f64,
    /// Messages counted instead of drawn.
    pub counted: u64,
    /// Messages drawn as tokens.
    pub drawn: u64,
    /// When messages were last counted instead of drawn.
    pub counting_since: Option<f64>,
    flashes: HashMap<usize, (Tone, f64)>,
    /// Let a burst out all at once, as it happened, instead of spreading it over
    /// [`DRAIN_MS`] (real-time playback).
    bursts_together: bool,
}

impl Animator {
    /// An animator for a canvas.
    pub fn new(layout: Layout) -> Self {
        Self {
            layout,
            last_spawn: f64::NEG_INFINITY,
            drain_by: f64::NEG_INFINITY,
            ..Self::default()
        }
    }

    /// Forget every token and cue; draw on `layout` from now on.
    pub fn reset(&mut self, layout: Layout) {
        let bursts_together = self.bursts_together;
        *self = Self::new(layout);
        self.bursts_together = bursts_together;
    }

    /// Let bursts out as they happened (`true`, real time) or spread over up to
    /// [`DRAIN_MS`] so each message can be seen (`false`, the default).
    pub fn set_bursts_together(&mut self, together: bool) {
        self.bursts_together = together;
    }

    /// Queue a batch of events for the animation.
    pub fn push(&mut self, events: &[Event]) {
        for event in events {
            let seq = self.pushed;
            self.pushed += 1;
            let Some(cue) = Cue::of(event) else { continue };
            if cue.may_spawn() {
                self.pending_publishes += 1;
            }
            self.feed.push_back((event.t_ms, cue, seq));
        }
    }

    /// How many of the events pushed since the reset the animation has reached: every event
    /// before the first cue still waiting in the feed (all of them when none waits). A cue
    /// taken early with its publish (a delivery right after it) counts once the feed passes
    /// its place. The page shows the run's numbers as they were after these events, so the
    /// counters never run ahead of the tokens.
    pub fn let_out(&self) -> usize {
        self.feed.front().map_or(self.pushed, |(_, _, seq)| *seq)
    }

    /// Whether a frame would change anything.
    pub fn busy(&self) -> bool {
        !self.feed.is_empty() || !self.tokens.is_empty() || !self.flashes.is_empty()
    }

    /// Tokens alive.
    pub fn live(&self) -> usize {
        self.tokens.len()
    }

    /// Tokens started since the last reset: one per message drawn, and one more each time a
    /// message whose token is gone is delivered or returned (so at least [`Self::drawn`]).
    pub fn started(&self) -> u64 {
        self.next_key
    }

    /// Whether messages are being counted rather than drawn (recently).
    pub fn counting(&self, now: f64) -> bool {
        self.counting_since.is_some_and(|since| now - since < 1_500.0)
    }

    /// Advance to `now` (milliseconds, any monotonic origin).
    pub fn step(&mut self, now: f64) {
        self.drain_feed(now);
        let mut i = 0;
        while i < self.tokens.len() {
            if self.advance(i, now) {
                i += 1;
            } else {
                let token = self.tokens.swap_remove(i);
                if self.by_message.get(&token.message) == Some(&token.key) {
                    self.by_message.remove(&token.message);
                }
            }
        }
        self.flashes.retain(|_, (_, since)| now - *since < FLASH_MS);
    }

    fn drain_feed(&mut self, now: f64) {
        if self.drain_by <= now && self.pending_publishes > 0 {
            self.drain_by = now + DRAIN_MS;
        }
        let gap = if self.bursts_together {
            0.0
        } else {
            ((self.drain_by - now) / self.pending_publishes.max(1) as f64).clamp(6.0, 70.0)
        };
        for _ in 0..FRAME_BUDGET {
            let Some((at, cue, _)) = self.feed.front() else { break };
            let spawns = match cue {
                Cue::Published { .. } => true,
                Cue::Delivered { id, .. } | Cue::Returned { id, .. } => self.waiting_token(id, *at).is_none(),
                Cue::Confirmed { .. } | Cue::Settled { .. } | Cue::DeadLettered { .. } => false,
            };
            let crowded = self.pending_publishes > FAST_BACKLOG || self.tokens.len() >= MAX_TOKENS;
            if spawns && !crowded && now - self.last_spawn < gap {
                break;
            }
            let Some((t_ms, cue, _)) = self.feed.pop_front() else {
                break;
            };
            if cue.may_spawn() {
                self.pending_publishes = self.pending_publishes.saturating_sub(1);
            }
            if spawns && crowded {
                if matches!(cue, Cue::Published { .. }) {
                    self.counted += 1;
                }
                self.counting_since = Some(now);
                continue;
            }
            if spawns {
                // Keep the pace even when frames are longer than the gap.
                self.last_spawn = if now - self.last_spawn > 2.0 * gap {
                    now
                } else {
                    self.last_spawn + gap
                };
            }
            if let Cue::Published {
                publisher,
                id,
                exchange,
                routing_key,
                priority,
            } = cue
            {
                self.spawn_published(now, t_ms, &publisher, id.clone(), exchange, routing_key, priority);
                // What happened to it right away may be in the feed behind other publishes:
                // take it now, so the token goes on without waiting for them.
                for (at, cue) in self.take_cues_of(&id, t_ms) {
                    self.handle(now, at, cue);
                }
            } else {
                self.handle(now, t_ms, cue);
            }
        }
    }

    /// The token of `id` that waits at (or goes to) its exchange for what happens at run time
    /// `t_ms`: only when that is right after its publish; a later fate is shown as a new token
    /// leaving the queue, in its turn.
    fn waiting_token(&self, id: &str, t_ms: u64) -> Option<usize> {
        let key = self.by_message.get(id)?;
        self.tokens.iter().position(|t| {
            t.key == *key && t.wait_after && !matches!(t.phase, Phase::Fading(_)) && t_ms <= t.t_ms + PULL_MS
        })
    }

    /// Remove from the feed the delivery, return and confirm of `id` that happened within
    /// [`PULL_MS`] of its publish (at `t_ms`). Later ones stay in order: a message that waited
    /// in a queue is shown waiting, and a priority queue's order stays visible.
    fn take_cues_of(&mut self, id: &str, t_ms: u64) -> Vec<(u64, Cue)> {
        let mut taken = Vec::new();
        let mut i = 0;
        while i < self.feed.len() {
            let (at, cue, _) = &self.feed[i];
            if *at > t_ms + PULL_MS {
                break;
            }
            let about = match cue {
                Cue::Delivered { id: cue_id, .. }
                | Cue::Returned { id: cue_id, .. }
                | Cue::Confirmed { id: cue_id, .. } => cue_id == id,
                // A second publish of the same id (an outbox retry): stop there.
                Cue::Published { id: cue_id, .. } if cue_id == id => break,
                Cue::Published { .. } | Cue::Settled { .. } | Cue::DeadLettered { .. } => false,
            };
            if about && let Some((at, cue, _)) = self.feed.remove(i) {
                if cue.may_spawn() {
                    self.pending_publishes = self.pending_publishes.saturating_sub(1);
                }
                taken.push((at, cue));
            } else {
                i += 1;
            }
        }
        taken
    }

    #[allow(clippy::too_many_arguments)]
    fn spawn_published(
        &mut self,
        now: f64,
        t_ms: u64,
        publisher: &str,
        id: String,
        exchange: String,
        routing_key: String,
        priority: Option<u8>,
    ) {
        let l = &self.layout;
        let (Some(from), Some(to)) = (
            l.find(NodeKind::Publisher, publisher),
            l.find(NodeKind::Exchange, &exchange),
        ) else {
            return;
        };
        let start = l.nodes[from].out_anchor();
        let legs = self.legs(start, &[from, to]);
        self.drawn += 1;
        self.insert(Token {
            label: priority.map(|p| p.to_string()),
            routing_key,
            wait_after: true,
            ..Token::moving(id, legs, now, Tone::Flying, start, exchange, t_ms)
        });
    }

    fn insert(&mut self, mut token: Token) {
        self.next_key += 1;
        token.key = self.next_key;
        self.by_message.insert(token.message.clone(), token.key);
        self.tokens.push(token);
    }

    fn token_mut(&mut self, message: &str) -> Option<&mut Token> {
        let key = *self.by_message.get(message)?;
        self.tokens.iter_mut().find(|t| t.key == key)
    }

    fn handle(&mut self, now: f64, t_ms: u64, cue: Cue) {
        match cue {
            Cue::Published { .. } => {}
            Cue::Delivered {
                consumer,
                queue,
                id,
                exchange,
                redelivered,
            } => {
                let l = &self.layout;
                let Some(consumer_node) = l.find(NodeKind::Consumer, &consumer) else {
                    return;
                };
                let route = l.route_to_queue(&exchange, &queue);
                let via_alternate = route.as_ref().is_some_and(|path| {
                    path.windows(2).any(|w| {
                        l.edge_between(w[0], w[1])
                            .is_some_and(|e| l.edges[e].kind == EdgeKind::Alternate)
                    })
                });
                let tone = if redelivered {
                    Tone::Redelivered
                } else if via_alternate {
                    Tone::BackedUp
                } else {
                    Tone::Delivered
                };
                let waiting = self.waiting_token(&id, t_ms);
                if waiting.is_none() {
                    self.send_to_queue(&id);
                }
                let waiting_token = waiting.map(|i| self.tokens[i].at_end());
                if let (Some(end), Some(mut path)) = (waiting_token, route) {
                    path.push(consumer_node);
                    let legs = self.legs(end, &path);
                    if let Some(token) = self.token_mut(&id) {
                        token.resume(now, legs, tone);
                    }
                } else {
                    let Some(queue_node) = self.layout.find(NodeKind::Queue, &queue) else {
                        return;
                    };
                    if self.tokens.len() >= MAX_TOKENS || self.pending_publishes > FAST_BACKLOG {
                        self.counting_since = Some(now);
                        return;
                    }
                    let start = self.layout.nodes[queue_node].out_anchor();
                    let legs = self.legs(start, &[queue_node, consumer_node]);
                    self.insert(Token::moving(id, legs, now, tone, start, exchange, t_ms));
                }
                self.flash_named(NodeKind::Consumer, &consumer, Tone::Delivered, now);
            }
            Cue::Returned {
                publisher,
                id,
                exchange,
            } => {
                let l = &self.layout;
                let (Some(p), Some(x)) = (
                    l.find(NodeKind::Publisher, &publisher),
                    l.find(NodeKind::Exchange, &exchange),
                ) else {
                    return;
                };
                if l.edge_between(p, x).is_none() {
                    return;
                }
                // Returns fly back on their own lane, an arc under the publish edge.
                let exchange_in = l.nodes[x].in_anchor();
                let publisher_out = l.nodes[p].out_anchor();
                let back = return_arc(exchange_in, publisher_out);
                let mut legs = VecDeque::new();
                let waiting = self.waiting_token(&id, t_ms);
                let start = waiting.map_or(exchange_in, |i| self.tokens[i].at_end());
                if start != back.p0 {
                    let mut drop = straight(start, back.p0);
                    drop.inside = false;
                    legs.push_back(drop);
                }
                legs.push_back(curve_leg(back));
                if let Some(i) = waiting {
                    self.tokens[i].resume(now, legs, Tone::Returned);
                } else if self.tokens.len() < MAX_TOKENS {
                    self.insert(Token::moving(id, legs, now, Tone::Returned, start, exchange, t_ms));
                }
            }
            Cue::Confirmed { publisher, id, ack } => {
                let tone = if ack { Tone::Acked } else { Tone::Nacked };
                self.flash_named(NodeKind::Publisher, &publisher, tone, now);
                if !ack && let Some(token) = self.token_mut(&id) {
                    token.tone = Tone::Nacked;
                    if matches!(token.phase, Phase::Waiting(_)) {
                        token.phase = Phase::Fading(now);
                    }
                    token.wait_after = false;
                }
            }
            Cue::Settled {
                consumer,
                queue,
                id,
                ok,
                requeue,
            } => {
                if ok {
                    return;
                }
                self.flash_named(NodeKind::Consumer, &consumer, Tone::Nacked, now);
                if requeue {
                    return;
                }
                // Rejected for good: to the queue's dead-letter exchange, or dropped at the consumer.
                if !self.dead_letter(&id, &queue, None, now, t_ms)
                    && let Some(c) = self.layout.find(NodeKind::Consumer, &consumer)
                    && self.tokens.len() < MAX_TOKENS
                {
                    let n = &self.layout.nodes[c];
                    let at = (n.x + n.w / 2.0, n.y + n.h + 8.0);
                    let mut token = Token::moving(id, VecDeque::new(), now, Tone::Nacked, at, String::new(), t_ms);
                    token.label = Some("✗".to_owned());
                    self.insert(token);
                }
            }
            // A rejection was already drawn when the consumer settled it.
            Cue::DeadLettered {
                id,
                from_queue,
                reason,
                seen_in,
            } if reason != "rejected" => {
                self.dead_letter(&id, &from_queue, Some(&seen_in), now, t_ms);
            }
            Cue::DeadLettered { .. } => {}
        }
    }

    /// A token from `queue` along its dead-letter line to the exchange, and on to `into` (or
    /// where the exchange routes, when known). `false` when the queue has no dead-letter line.
    fn dead_letter(&mut self, id: &str, queue: &str, into: Option<&str>, now: f64, t_ms: u64) -> bool {
        let l = &self.layout;
        let Some(q) = l.find(NodeKind::Queue, queue) else {
            return false;
        };
        let Some(edge) = l.edges.iter().find(|e| e.from == q && e.kind == EdgeKind::DeadLetter) else {
            return false;
        };
        let exchange = l.nodes[edge.to].name.clone();
        let onward = match into {
            Some(target) => l.route_to_queue(&exchange, target),
            None => l.predict(&exchange, "").into_iter().next(),
        };
        let mut path = vec![q];
        path.extend(onward.unwrap_or_else(|| vec![edge.to]));
        if self.tokens.len() >= MAX_TOKENS {
            return true;
        }
        let start = l.nodes[q].out_anchor();
        let legs = self.legs(start, &path);
        self.insert(Token::moving(
            id.to_owned(),
            legs,
            now,
            Tone::DeadLettered,
            start,
            exchange,
            t_ms,
        ));
        true
    }

    /// A token still waiting for a fate that comes later: let it go into its queue now.
    fn send_to_queue(&mut self, id: &str) {
        if let Some(token) = self.token_mut(id)
            && token.wait_after
            && let Phase::Waiting(_) = token.phase
        {
            token.phase = Phase::Waiting(f64::NEG_INFINITY);
        }
    }

    fn flash_named(&mut self, kind: NodeKind, name: &str, tone: Tone, now: f64) {
        if let Some(node) = self.layout.find(kind, name) {
            // A nack flash is not hidden by the acks around it.
            let keep = self.flashes.get(&node).is_some_and(|(old, since)| {
                *old == Tone::Nacked && tone != Tone::Nacked && now - since < FLASH_MS / 2.0
            });
            if !keep {
                self.flashes.insert(node, (tone, now));
            }
        }
    }

    /// Legs from `start` (on the first node of `path`) along `path` (node indexes) to the
    /// left edge of its last node. Crossing a node is hidden.
    fn legs(&self, start: (f64, f64), path: &[usize]) -> VecDeque<Leg> {
        let l = &self.layout;
        let mut legs = VecDeque::new();
        let mut at = start;
        for pair in path.windows(2) {
            let out = l.nodes[pair[0]].out_anchor();
            if at != out {
                legs.push_back(straight(at, out));
            }
            let curve = l.edge_between(pair[0], pair[1]).map_or_else(
                || Curve::between(out, l.nodes[pair[1]].in_anchor()),
                |e| l.edge_curve(e),
            );
            legs.push_back(curve_leg(curve));
            at = curve.p1;
        }
        legs
    }

    /// Move token `i`; `false` when it is gone.
    fn advance(&mut self, i: usize, now: f64) -> bool {
        let token = &mut self.tokens[i];
        match token.phase {
            Phase::Fading(since) => return now - since < FADE_MS,
            Phase::Waiting(since) => {
                if now - since < WAIT_MS {
                    return true;
                }
                // Nothing came: send it where the topology says, or let it fade as lost.
                let predicted = self.layout.predict(&token.exchange, &token.routing_key);
                let token = &mut self.tokens[i];
                token.wait_after = false;
                match predicted.into_iter().next() {
                    Some(path) => {
                        let legs = self.legs(self.tokens[i].at, &path);
                        self.tokens[i].resume(now, legs, Tone::Stored);
                    }
                    None => {
                        token.tone = Tone::Lost;
                        token.phase = Phase::Fading(now);
                    }
                }
                return true;
            }
            Phase::Moving => {}
        }
        loop {
            let Some(leg) = token.legs.front() else {
                token.hidden = false;
                token.phase = if token.wait_after {
                    Phase::Waiting(now)
                } else {
                    Phase::Fading(now)
                };
                return true;
            };
            if let Some(tone) = leg.tone {
                token.tone = tone;
            }
            token.hidden = leg.inside;
            let elapsed = now - token.leg_started;
            if elapsed < leg.duration {
                token.at = leg.curve.at((elapsed / leg.duration).clamp(0.0, 1.0));
                return true;
            }
            token.at = leg.curve.p1;
            token.leg_started += leg.duration;
            token.legs.pop_front();
        }
    }

    /// What to draw at `now`.
    pub fn sprites(&self, now: f64) -> Vec<Sprite> {
        self.tokens
            .iter()
            .map(|t| Sprite {
                key: t.key,
                message: t.message.clone(),
                x: t.at.0,
                y: t.at.1,
                tone: t.tone,
                label: t.label.clone(),
                opacity: match t.phase {
                    _ if t.hidden => 0.0,
                    Phase::Fading(since) => (1.0 - (now - since) / FADE_MS).clamp(0.0, 1.0),
                    Phase::Moving | Phase::Waiting(_) => 1.0,
                },
            })
            .collect()
    }

    /// Nodes that flash at `now`: (node index, tone, strength from 0 to 1).
    pub fn flashes(&self, now: f64) -> Vec<(usize, Tone, f64)> {
        self.flashes
            .iter()
            .map(|(node, (tone, since))| (*node, *tone, (1.0 - (now - since) / FLASH_MS).clamp(0.0, 1.0)))
            .collect()
    }
}

impl Token {
    /// Where the token will be once its current legs are done.
    fn at_end(&self) -> (f64, f64) {
        self.legs.back().map_or(self.at, |leg| leg.curve.p1)
    }

    fn resume(&mut self, now: f64, mut legs: VecDeque<Leg>, tone: Tone) {
        if self.legs.is_empty() {
            self.leg_started = now;
            self.tone = tone;
        }
        if let Some(first) = legs.front_mut() {
            first.tone = Some(tone);
        } else {
            self.tone = tone;
        }
        self.legs.extend(legs);
        self.phase = Phase::Moving;
        self.wait_after = false;
    }
}

/// The path of a returned message: from just under the exchange's entry, arcing below the
/// publish edge, to just under the publisher's exit.
/// `sprites` with every pile drawn as one token with a count: visible tokens of one colour
/// closer than [`PILE_DISTANCE`] to the first of them become that token, labelled `×25`. A burst
/// that travels an edge together is then one token, not a heap over the edge's labels.
pub fn piles(sprites: Vec<Sprite>) -> Vec<Sprite> {
    let mut out: Vec<(Sprite, usize)> = Vec::with_capacity(sprites.len());
    for sprite in sprites {
        let near = (sprite.opacity > 0.0)
            .then(|| {
                out.iter().rposition(|(p, _)| {
                    let (dx, dy) = (p.x - sprite.x, p.y - sprite.y);
                    p.opacity > 0.0 && p.tone == sprite.tone && dx * dx + dy * dy < PILE_DISTANCE * PILE_DISTANCE
                })
            })
            .flatten();
        match near {
            Some(i) => {
                let (pile, n) = &mut out[i];
                *n += 1;
                pile.opacity = pile.opacity.max(sprite.opacity);
            }
            None => out.push((sprite, 1)),
        }
    }
    out.into_iter()
        .map(|(mut sprite, n)| {
            if n > 1 {
                sprite.label = Some(format!("×{n}"));
            }
            sprite
        })
        .collect()
}

fn return_arc(exchange_in: (f64, f64), publisher_out: (f64, f64)) -> Curve {
    const DROP: f64 = 9.0;
    const BULGE: f64 = 22.0;
    let dx = (exchange_in.0 - publisher_out.0) / 3.0;
    Curve {
        p0: (exchange_in.0, exchange_in.1 + DROP),
        c1: (exchange_in.0 - dx, exchange_in.1 + DROP + BULGE),
        c2: (publisher_out.0 + dx, publisher_out.1 + DROP + BULGE),
        p1: (publisher_out.0, publisher_out.1 + DROP),
    }
}

fn straight(from: (f64, f64), to: (f64, f64)) -> Leg {
    let curve = Curve::line(from, to);
    Leg {
        inside: true,
        tone: None,
        duration: (curve.length() / (SPEED * 2.5)).clamp(0.0, 200.0),
        curve,
    }
}

fn curve_leg(curve: Curve) -> Leg {
    Leg {
        inside: false,
        tone: None,
        duration: (curve.length() / SPEED).clamp(320.0, 900.0),
        curve,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::layout::layout;

    fn backup() -> Animator {
        let scenario = crate::gallery::example("backup-exchange")
            .and_then(|e| e.scenario())
            .expect("example");
        Animator::new(layout(&scenario))
    }

    fn ev(kind: EventKind) -> Event {
        Event { t_ms: 0, kind }
    }

    fn published(id: &str) -> Event {
        ev(EventKind::Published {
            publisher: "producer".into(),
            id: id.into(),
            exchange: "confirm-exchange2".into(),
            routing_key: "default2".into(),
            priority: Some(5),
            persistent: true,
            mandatory: true,
        })
    }

    fn delivered(id: &str) -> Event {
        ev(EventKind::Delivered {
            consumer: "backup-consumer".into(),
            queue: "backup-queue".into(),
            id: id.into(),
            redelivered: false,
            priority: None,
            exchange: "confirm-exchange2".into(),
            routing_key: "default2".into(),
        })
    }

    fn run_until_idle(a: &mut Animator, mut now: f64) -> f64 {
        for _ in 0..10_000 {
            if !a.busy() {
                break;
            }
            now += 16.0;
            a.step(now);
        }
        now
    }

    fn with_dead_letters(dlx: bool) -> Animator {
        let mut queue = serde_json::json!({"name": "work"});
        if dlx {
            queue["arguments"] = serde_json::json!({"x-dead-letter-exchange": "dlx"});
        }
        let scenario = warren_shared::parse_scenario(&serde_json::json!({
            "version": 1,
            "exchanges": [{"name": "in"}, {"name": "dlx", "type": "fanout"}],
            "queues": [queue, {"name": "parked"}],
            "bindings": [
                {"source": "in", "destination": "work", "routing_key": "k"},
                {"source": "dlx", "destination": "parked"}
            ],
            "publishers": [{"name": "p", "exchange": "in", "routing_key": "k", "count": 1}],
            "consumers": [{"name": "c", "queue": "work"}]
        }))
        .expect("scenario");
        Animator::new(layout(&scenario))
    }

    fn rejected(id: &str) -> Event {
        ev(EventKind::Settled {
            consumer: "c".into(),
            queue: "work".into(),
            id: id.into(),
            action: Settlement::Reject,
            requeue: false,
        })
    }

    /// Tones and the last position of the one token on the canvas until it is gone.
    fn follow(a: &mut Animator) -> (Vec<Tone>, (f64, f64), Option<String>) {
        let (mut now, mut tones, mut last, mut label) = (0.0, Vec::new(), (0.0, 0.0), None);
        a.step(now);
        while a.busy() && now < 20_000.0 {
            if let Some(s) = a.sprites(now).first() {
                tones.push(s.tone);
                last = (s.x, s.y);
                label.clone_from(&s.label);
            }
            now += 16.0;
            a.step(now);
        }
        (tones, last, label)
    }

    #[test]
    fn a_rejected_message_travels_to_the_dead_letter_exchange_and_on_to_its_queue() {
        let mut a = with_dead_letters(true);
        a.push(&[rejected("p#1")]);
        let (tones, last, _) = follow(&mut a);
        assert!(
            !tones.is_empty() && tones.iter().all(|t| *t == Tone::DeadLettered),
            "{tones:?}"
        );
        let l = &a.layout;
        let parked = l.nodes[l.find(NodeKind::Queue, "parked").expect("node")].in_anchor();
        assert!(
            (last.0 - parked.0).abs() < 1.0 && (last.1 - parked.1).abs() < 1.0,
            "{last:?} {parked:?}"
        );
        // Seen again in the dead-letter queue: not drawn twice.
        a.push(&[ev(EventKind::DeadLettered {
            id: "p#1".into(),
            from_queue: "work".into(),
            reason: "rejected".into(),
            seen_in: "parked".into(),
        })]);
        a.step(1.0);
        assert!(a.sprites(1.0).is_empty());
    }

    #[test]
    fn a_rejected_message_without_a_dead_letter_exchange_is_dropped_at_the_consumer() {
        let mut a = with_dead_letters(false);
        a.push(&[rejected("p#1")]);
        let (tones, last, label) = follow(&mut a);
        assert!(
            !tones.is_empty() && tones.iter().all(|t| *t == Tone::Nacked),
            "{tones:?}"
        );
        assert_eq!(label.as_deref(), Some("✗"));
        let l = &a.layout;
        let c = &l.nodes[l.find(NodeKind::Consumer, "c").expect("node")];
        assert!(last.1 > c.y + c.h, "marked under the consumer: {last:?}");
    }

    #[test]
    fn a_message_through_the_alternate_exchange_ends_at_the_backup_consumer() {
        let mut a = backup();
        a.push(&[published("producer#1"), delivered("producer#1")]);
        a.step(0.0);
        let sprites = a.sprites(0.0);
        assert_eq!(sprites.len(), 1);
        assert_eq!(sprites[0].label.as_deref(), Some("5"));
        let mut now = 0.0;
        let mut last = (0.0, 0.0);
        let mut tones = Vec::new();
        while a.busy() && now < 20_000.0 {
            now += 16.0;
            a.step(now);
            if let Some(s) = a.sprites(now).first() {
                last = (s.x, s.y);
                tones.push(s.tone);
            }
        }
        assert!(tones.contains(&Tone::BackedUp), "{tones:?}");
        let l = &a.layout;
        let consumer = l.nodes[l.find(NodeKind::Consumer, "backup-consumer").expect("node")].in_anchor();
        assert!((last.0 - consumer.0).abs() < 1.0, "{last:?}");
        assert!((last.1 - consumer.1).abs() < 1.0, "{last:?}");
    }

    #[test]
    fn a_burst_is_let_out_over_time_and_a_flood_is_counted() {
        let mut a = backup();
        let burst: Vec<Event> = (1..=100).map(|n| published(&format!("producer#{n}"))).collect();
        a.push(&burst);
        a.step(0.0);
        assert_eq!(a.live(), 1);
        a.step(400.0);
        assert!(a.live() > 1 && a.live() < 100, "{}", a.live());
        let mut now = 400.0;
        while a.drawn < 100 && now < 10_000.0 {
            now += 16.0;
            a.step(now);
        }
        assert!(now <= DRAIN_MS + 100.0, "the burst took {now} ms to let out");
        run_until_idle(&mut a, now);
        assert_eq!((a.drawn, a.counted), (100, 0));

        let mut a = backup();
        let flood: Vec<Event> = (1..=100_000).map(|n| published(&format!("producer#{n}"))).collect();
        a.push(&flood);
        let mut now = 0.0;
        for _ in 0..30 {
            now += 16.0;
            a.step(now);
            assert!(a.live() <= MAX_TOKENS);
        }
        assert!(a.counted > 90_000, "{}", a.counted);
        assert!(a.counting(now));
        run_until_idle(&mut a, now);
        assert_eq!(a.drawn + a.counted, 100_000);
    }

    #[test]
    fn a_delivery_after_its_token_is_gone_starts_another() {
        let mut a = backup();
        a.push(&[published("producer#1")]);
        let now = run_until_idle(&mut a, 0.0);
        assert_eq!((a.drawn, a.started()), (1, 1));
        a.push(&[delivered("producer#1")]);
        a.step(now + 16.0);
        assert_eq!(a.live(), 1);
        assert_eq!((a.drawn, a.started()), (1, 2));
        a.reset(a.layout.clone());
        assert_eq!((a.drawn, a.started()), (0, 0));
    }

    #[test]
    fn returns_fly_back_and_unrouted_messages_fade() {
        let scenario = crate::gallery::example("returns")
            .and_then(|e| e.scenario())
            .expect("example");
        let mut a = Animator::new(layout(&scenario));
        let publish = |id: &str| {
            ev(EventKind::Published {
                publisher: "producer".into(),
                id: id.into(),
                exchange: "confirm-exchange".into(),
                routing_key: "default1".into(),
                priority: None,
                persistent: true,
                mandatory: true,
            })
        };
        a.push(&[
            publish("producer#1"),
            ev(EventKind::Returned {
                publisher: "producer".into(),
                id: "producer#1".into(),
                reply_code: 312,
                reply_text: "NO_ROUTE".into(),
                exchange: "confirm-exchange".into(),
                routing_key: "default1".into(),
            }),
            ev(EventKind::Confirmed {
                publisher: "producer".into(),
                id: "producer#1".into(),
                ack: true,
            }),
            publish("producer#2"),
        ]);
        a.step(0.0);
        assert_eq!(a.sprites(0.0)[0].tone, Tone::Flying);
        assert!(a.flashes(0.0).iter().any(|(_, tone, _)| *tone == Tone::Acked));
        let (mut first, mut second) = (Vec::new(), Vec::new());
        let mut now = 0.0;
        while a.busy() && now < 10_000.0 {
            now += 16.0;
            a.step(now);
            for s in a.sprites(now) {
                if s.message == "producer#1" {
                    first.push(s.tone)
                } else {
                    second.push(s.tone)
                }
            }
        }
        assert_eq!(first.last(), Some(&Tone::Returned));
        assert_eq!(second.last(), Some(&Tone::Lost));
    }

    #[test]
    fn later_deliveries_come_from_the_queue_in_delivery_order() {
        let scenario = crate::gallery::example("priority")
            .and_then(|e| e.scenario())
            .expect("example");
        let mut a = Animator::new(layout(&scenario));
        let mut events: Vec<Event> = (1..=10)
            .map(|n| Event {
                t_ms: 1,
                kind: EventKind::Published {
                    publisher: "producer".into(),
                    id: format!("producer#{n}"),
                    exchange: "pri-exchange".into(),
                    routing_key: "default".into(),
                    priority: (n % 5 == 0).then_some(5),
                    persistent: true,
                    mandatory: false,
                },
            })
            .collect();
        let order = [5, 10, 1, 2, 3, 4, 6, 7, 8, 9];
        events.extend(order.iter().map(|n| Event {
            t_ms: 500,
            kind: EventKind::Delivered {
                consumer: "consumer".into(),
                queue: "pri-queue".into(),
                id: format!("producer#{n}"),
                redelivered: false,
                priority: (n % 5 == 0).then_some(5),
                exchange: "pri-exchange".into(),
                routing_key: "default".into(),
            },
        }));
        a.push(&events);
        let mut seen: Vec<String> = Vec::new();
        let mut stored = 0;
        let mut now = 0.0;
        while a.busy() && now < 20_000.0 {
            a.step(now);
            for s in a.sprites(now) {
                if s.tone == Tone::Delivered && !seen.contains(&s.message) {
                    seen.push(s.message.clone());
                }
                if s.tone == Tone::Stored {
                    stored += 1;
                }
            }
            now += 16.0;
        }
        let expected: Vec<String> = order.iter().map(|n| format!("producer#{n}")).collect();
        assert_eq!(seen, expected);
        assert!(stored > 0, "published tokens went into the queue first");
    }

    #[test]
    fn in_real_time_a_burst_leaves_at_once() {
        let mut a = backup();
        a.set_bursts_together(true);
        a.reset(a.layout.clone());
        let burst: Vec<Event> = (1..=100).map(|n| published(&format!("producer#{n}"))).collect();
        a.push(&burst);
        a.step(0.0);
        assert_eq!(a.live(), 100, "the setting outlives a reset");
        a.set_bursts_together(false);
        a.push(&burst);
        a.step(16.0);
        assert!(a.live() < 110, "{}", a.live());
    }

    #[test]
    fn a_real_time_burst_is_one_token_with_a_count() {
        let mut a = backup();
        a.set_bursts_together(true);
        a.reset(a.layout.clone());
        let burst: Vec<Event> = (1..=25).map(|n| published(&format!("producer#{n}"))).collect();
        a.push(&burst);
        a.step(0.0);
        a.step(50.0);
        let sprites = a.sprites(50.0);
        assert_eq!(sprites.len(), 25);
        let piled = piles(sprites);
        assert_eq!(piled.len(), 1, "{piled:?}");
        assert_eq!(piled[0].label.as_deref(), Some("×25"));

        // Apart, hidden or of another colour: drawn one by one.
        let sprite = |x: f64, tone: Tone, opacity: f64| Sprite {
            key: 0,
            message: String::new(),
            x,
            y: 0.0,
            tone,
            label: Some("5".to_owned()),
            opacity,
        };
        let apart = piles(vec![
            sprite(0.0, Tone::Flying, 1.0),
            sprite(20.0, Tone::Flying, 1.0),
            sprite(0.0, Tone::Returned, 1.0),
            sprite(0.0, Tone::Flying, 0.0),
        ]);
        assert_eq!(apart.len(), 4);
        assert!(apart.iter().all(|s| s.label.as_deref() == Some("5")));
        let two = piles(vec![sprite(0.0, Tone::Flying, 0.4), sprite(8.0, Tone::Flying, 0.9)]);
        assert_eq!(two.len(), 1);
        assert_eq!((two[0].label.as_deref(), two[0].opacity), (Some("×2"), 0.9));
    }

    #[test]
    fn the_animation_reaches_the_events_behind_the_first_cue_still_waiting() {
        let mut a = backup();
        let note = ev(EventKind::Warning { message: String::new() });
        let mut events = vec![note.clone()];
        for n in 1..=10 {
            events.push(published(&format!("producer#{n}")));
            events.push(delivered(&format!("producer#{n}")));
        }
        events.push(note);
        a.push(&events);
        assert_eq!(
            a.let_out(),
            1,
            "nothing animated yet but the note before the first publish"
        );
        a.step(0.0);
        assert_eq!(a.let_out(), 3, "the first publish and its delivery, taken with it");
        let mut now = 0.0;
        let mut reached = vec![a.let_out()];
        while a.busy() && now < 10_000.0 {
            now += 16.0;
            a.step(now);
            reached.push(a.let_out());
        }
        assert!(reached.windows(2).all(|w| w[0] <= w[1]), "{reached:?}");
        assert!(reached.iter().any(|&n| n > 3 && n < 22), "{reached:?}");
        assert_eq!(a.let_out(), 22, "every event, the last note too");
        a.reset(a.layout.clone());
        assert_eq!(a.let_out(), 0);
    }
}
