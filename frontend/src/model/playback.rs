//! Playback of the animation: how fast it goes, whether it is paused, and, when a finished run
//! is replayed, where in the run's time it is.
//!
//! Two clocks are kept apart. The *animation clock* is what the [`crate::model::anim::Animator`] is
//! stepped with: tokens move, bursts are let out, flashes fade in its milliseconds. The *run
//! clock* is the run's own time (`t_ms` of its events): a replay lets each recorded event out
//! when the run clock reaches it. Both advance by the wall clock's delta times the speed, and
//! neither advances while paused. [`Playback`] is plain data, stepped with wall times, so it is
//! tested on the host.

use warren_shared::Event;

/// How fast the animation plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Speed {
    /// A quarter of the page's normal pace.
    Quarter,
    /// Half the page's normal pace.
    Half,
    /// The page's normal pace: tokens at their usual speed, a burst of messages published in
    /// the same instant let out over up to about two seconds so each one can be seen.
    #[default]
    Normal,
    /// Twice the normal pace.
    Double,
    /// Four times the normal pace.
    Quadruple,
    /// The run's own clock: each token leaves when its event happened (bursts leave together,
    /// beyond the token cap they are counted), tokens move at the normal speed.
    RealTime,
}

impl Speed {
    /// Every speed, slowest first, for the control.
    pub const ALL: [Self; 6] = [
        Self::Quarter,
        Self::Half,
        Self::Normal,
        Self::Double,
        Self::Quadruple,
        Self::RealTime,
    ];

    /// How many animation (and replayed run) milliseconds pass per wall millisecond.
    pub fn factor(self) -> f64 {
        match self {
            Self::Quarter => 0.25,
            Self::Half => 0.5,
            Self::Normal | Self::RealTime => 1.0,
            Self::Double => 2.0,
            Self::Quadruple => 4.0,
        }
    }

    /// Whether bursts are spread out over time (every speed but real time).
    pub fn spreads_bursts(self) -> bool {
        self != Self::RealTime
    }

    /// The control's value, also `data-speed`.
    pub fn value(self) -> &'static str {
        match self {
            Self::Quarter => "0.25",
            Self::Half => "0.5",
            Self::Normal => "1",
            Self::Double => "2",
            Self::Quadruple => "4",
            Self::RealTime => "real",
        }
    }

    /// What the control shows.
    pub fn label(self) -> &'static str {
        match self {
            Self::Quarter => "0.25×",
            Self::Half => "0.5×",
            Self::Normal => "1×",
            Self::Double => "2×",
            Self::Quadruple => "4×",
            Self::RealTime => "real time",
        }
    }

    /// The speed of a control value.
    pub fn from_value(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.value() == value)
    }
}

/// The playback clocks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Playback {
    /// The chosen speed.
    pub speed: Speed,
    /// Whether the animation stands still.
    pub paused: bool,
    /// The animation clock, in milliseconds.
    anim_ms: f64,
    /// The wall time of the last tick; `None` after a pause or idle time, so the clocks never
    /// jump over time nothing was shown.
    last_wall: Option<f64>,
    /// A replay's position in run time, and where the run ends; `None` when not replaying.
    replay: Option<(f64, f64)>,
}

impl Playback {
    /// Advance both clocks to wall time `wall` (milliseconds); the animation clock's time.
    pub fn tick(&mut self, wall: f64) -> f64 {
        let delta = self.last_wall.map_or(0.0, |last| (wall - last).max(0.0));
        self.last_wall = Some(wall);
        if !self.paused {
            let step = delta * self.speed.factor();
            self.anim_ms += step;
            if let Some((position, end)) = &mut self.replay {
                *position = (*position + step).min(*end);
            }
        }
        self.anim_ms
    }

    /// The animation clock, without advancing it.
    pub fn anim_ms(&self) -> f64 {
        self.anim_ms
    }

    /// Nothing is drawn for a while (the loop stops): the next tick starts from there.
    pub fn idle(&mut self) {
        self.last_wall = None;
    }

    /// Pause or resume.
    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
        self.last_wall = None;
    }

    /// Replay a run that ends at `end_ms` from run time `from_ms`.
    pub fn seek(&mut self, from_ms: f64, end_ms: f64) {
        let end = end_ms.max(0.0);
        self.replay = Some((from_ms.clamp(0.0, end), end));
    }

    /// Back to live: no replay.
    pub fn stop_replay(&mut self) {
        self.replay = None;
    }

    /// The replay's position in run time, when replaying.
    pub fn position(&self) -> Option<f64> {
        self.replay.map(|(position, _)| position)
    }

    /// Whether a replay has reached the end of its run.
    pub fn replay_done(&self) -> bool {
        self.replay.is_some_and(|(position, end)| position >= end)
    }
}

/// How many of `events` (in run order) happened at or before run time `t_ms`, counting from
/// `from` on: the events a replay at `t_ms` has shown.
pub fn events_until(events: &[Event], from: usize, t_ms: f64) -> usize {
    let from = from.min(events.len());
    from + events[from..]
        .iter()
        .position(|e| e.t_ms as f64 > t_ms)
        .unwrap_or(events.len() - from)
}

/// A run time as the scrubber's readout shows it: `1.25 s`, or `850 ms` under a second.
pub fn run_time_text(t_ms: f64) -> String {
    if t_ms < 1000.0 {
        format!("{t_ms:.0} ms")
    } else {
        format!("{:.2} s", t_ms / 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use warren_shared::EventKind;

    #[test]
    fn speeds_scale_both_clocks_and_pause_stops_them() {
        let mut p = Playback::default();
        assert_eq!(p.tick(1000.0), 0.0, "the first tick only sets the origin");
        assert_eq!(p.tick(1100.0), 100.0);
        p.speed = Speed::Quadruple;
        p.seek(0.0, 1_000.0);
        assert_eq!(p.tick(1150.0), 300.0);
        assert_eq!(p.position(), Some(200.0));
        p.set_paused(true);
        assert_eq!(p.tick(5000.0), 300.0);
        assert_eq!(p.position(), Some(200.0));
        p.set_paused(false);
        p.speed = Speed::Quarter;
        assert_eq!(p.tick(9000.0), 300.0, "no jump over the paused time");
        assert_eq!(p.tick(9400.0), 400.0);
        assert_eq!(p.position(), Some(300.0));
        assert!(!p.replay_done());
        p.speed = Speed::RealTime;
        p.tick(20_000.0);
        assert_eq!(p.position(), Some(1_000.0), "a replay stops at the run's end");
        assert!(p.replay_done());
        p.idle();
        assert_eq!(p.tick(30_000.0), p.anim_ms(), "no jump over idle time");
        p.stop_replay();
        assert_eq!(p.position(), None);
    }

    #[test]
    fn seeking_clamps_to_the_run() {
        let mut p = Playback::default();
        p.seek(-5.0, 800.0);
        assert_eq!(p.position(), Some(0.0));
        p.seek(1_200.0, 800.0);
        assert_eq!(p.position(), Some(800.0));
        assert!(p.replay_done());
    }

    #[test]
    fn speed_values_round_trip_and_only_real_time_keeps_bursts_together() {
        for speed in Speed::ALL {
            assert_eq!(Speed::from_value(speed.value()), Some(speed));
            assert_eq!(speed.spreads_bursts(), speed != Speed::RealTime);
        }
        assert_eq!(Speed::from_value("3"), None);
        assert_eq!(Speed::default(), Speed::Normal);
    }

    #[test]
    fn events_up_to_a_time() {
        let events: Vec<Event> = [0, 5, 5, 9, 20]
            .into_iter()
            .map(|t_ms| Event {
                t_ms,
                kind: EventKind::Warning { message: String::new() },
            })
            .collect();
        assert_eq!(events_until(&events, 0, -1.0), 0);
        assert_eq!(events_until(&events, 0, 0.0), 1);
        assert_eq!(events_until(&events, 0, 5.0), 3);
        assert_eq!(events_until(&events, 1, 8.9), 3);
        assert_eq!(events_until(&events, 3, 100.0), 5);
        assert_eq!(events_until(&events, 9, 100.0), 5);
        assert_eq!(run_time_text(850.0), "850 ms");
        assert_eq!(run_time_text(1250.0), "1.25 s");
    }
}
