//! The token layer: an HTML `<canvas>` laid exactly over the topology's SVG, cleared and painted
//! each frame with the tokens and flashes of the animation.
//!
//! Hundreds of moving SVG elements cost the browser style, layout and paint work on every frame;
//! a 2D canvas costs one bitmap. The canvas maps drawing coordinates the way the SVG does
//! (`viewBox` with `preserveAspectRatio="xMidYMid meet"`, see [`fit`]) at the screen's pixel
//! density, and takes the colours of the page's theme (the `--o-*` CSS variables). Tokens are no
//! DOM elements any more, so the canvas carries counters for tests: `data-live` (tokens on
//! screen) and `data-drawn` (tokens started since the animation was reset).

use crate::model::anim::{Sprite, Tone};
use crate::model::gesture::fit;
use std::cell::Cell;
use std::f64::consts::TAU;
use std::rc::Rc;
use warren_shared::order;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, MediaQueryList, MutationObserver, ResizeObserver};

/// Every tone, in the order of [`Palette::tones`].
const TONES: [Tone; 10] = [
    Tone::Flying,
    Tone::Delivered,
    Tone::BackedUp,
    Tone::Returned,
    Tone::Nacked,
    Tone::Lost,
    Tone::Stored,
    Tone::Redelivered,
    Tone::Acked,
    Tone::DeadLettered,
];
/// Radius of a token, and of one that carries a priority.
const RADIUS: f64 = 6.0;
const LABELLED_RADIUS: f64 = 8.0;
/// The ring around each token, in the page's surface colour, keeps touching tokens apart.
const RING_WIDTH: f64 = 1.5;
/// A flash outlines its node this far outside the box, with this stroke and corner radius.
const FLASH_MARGIN: f64 = 4.0;
const FLASH_WIDTH: f64 = 3.0;
const FLASH_RADIUS: f64 = 12.0;
/// Where a priority's baseline sits below the token's centre.
const LABEL_BASELINE: f64 = 3.5;
/// The least the drawing is scaled by: below it, the SVG keeps this scale and its frame
/// scrolls. Down to it, the canvas's text keeps its CSS size: the SVG's `--u` (drawing units
/// per CSS pixel of text, 1 to `1 / MIN_SCALE`) enlarges it as much as the drawing shrinks.
const MIN_SCALE: f64 = 0.8;

/// The width and height in a `viewBox` attribute (`"min-x min-y width height"`).
pub fn view_box_size(view_box: &str) -> Option<(f64, f64)> {
    let numbers: Vec<f64> = view_box
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|part| !part.is_empty())
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    match numbers[..] {
        [_, _, width, height] if width > 0.0 && height > 0.0 => Some((width, height)),
        _ => None,
    }
}

/// The order to paint `sprites` in: the visible ones (opacity above zero), grouped by tone and
/// opacity in hundredths so each group is one path filled once; the order within a group is
/// kept. Returns `(tone, opacity, indices)` per group.
pub fn batches(sprites: &[Sprite]) -> Vec<(Tone, f64, Vec<usize>)> {
    let keyed: Vec<(usize, (usize, i64))> = sprites
        .iter()
        .enumerate()
        .filter(|(_, s)| s.opacity > 0.0)
        .map(|(i, s)| (i, (tone_slot(s.tone), (s.opacity * 100.0).round() as i64)))
        .collect();
    let order = order::by_key(
        keyed
            .iter()
            .map(|&(_, (slot, opacity))| ((slot as u64) << 32) | opacity.clamp(0, i64::from(u32::MAX)) as u64),
    );
    let mut out: Vec<(Tone, f64, Vec<usize>)> = Vec::new();
    let mut last = None;
    for (i, key) in order.into_iter().map(|k| keyed[k]) {
        if last != Some(key) {
            last = Some(key);
            out.push((sprites[i].tone, key.1 as f64 / 100.0, Vec::new()));
        }
        if let Some((_, _, indices)) = out.last_mut() {
            indices.push(i);
        }
    }
    out
}

/// The index of `tone` in [`TONES`].
fn tone_slot(tone: Tone) -> usize {
    match tone {
        Tone::Flying => 0,
        Tone::Delivered => 1,
        Tone::BackedUp => 2,
        Tone::Returned => 3,
        Tone::Nacked => 4,
        Tone::Lost => 5,
        Tone::Stored => 6,
        Tone::Redelivered => 7,
        Tone::Acked => 8,
        Tone::DeadLettered => 9,
    }
}

/// The theme's colours and font, as the canvas needs them.
struct Palette {
    /// One CSS colour per entry of [`TONES`].
    tones: Vec<String>,
    /// The page's surface colour, for the ring around tokens.
    surface: String,
    /// The font of a priority.
    label_font: String,
}

impl Palette {
    fn read(element: &Element) -> Option<Self> {
        let style = web_sys::window()?.get_computed_style(element).ok()??;
        let var = |name: &str| {
            style
                .get_property_value(name)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let family = var("font-family");
        Some(Self {
            tones: TONES.iter().map(|t| var(&format!("--o-{}", t.as_str()))).collect(),
            surface: var("--surface"),
            label_font: format!("700 9px {}", if family.is_empty() { "sans-serif" } else { &family }),
        })
    }

    fn tone(&self, tone: Tone) -> &str {
        &self.tones[tone_slot(tone)]
    }
}

/// A node that flashes: its box in drawing coordinates, colour and strength (0 to 1).
pub struct Flash {
    /// Left, top, width, height of the node's box.
    pub rect: (f64, f64, f64, f64),
    /// Colour.
    pub tone: Tone,
    /// Opacity.
    pub strength: f64,
}

/// Where the canvas stands and how it maps the drawing.
#[derive(Clone, Copy, PartialEq)]
struct Placement {
    /// Device pixels per CSS pixel.
    ratio: f64,
    /// The backing bitmap's size in device pixels.
    pixels: (u32, u32),
    /// Drawing units to CSS pixels of the canvas.
    scale: f64,
    offset: (f64, f64),
    /// The SVG's least size, from the drawing's, and its `--u`, as last written.
    least: (f64, f64),
    text: f64,
}

/// Observers that mark the layer stale (size, theme, drawing size) and wake the loop.
struct Watchers {
    resize: ResizeObserver,
    mutation: MutationObserver,
    dark: Option<MediaQueryList>,
    /// The observers' callbacks, alive as long as they observe.
    _on_resize: Closure<dyn FnMut()>,
    _on_mutation: Closure<dyn FnMut()>,
    on_scheme: Closure<dyn FnMut()>,
}

impl Drop for Watchers {
    fn drop(&mut self) {
        self.resize.disconnect();
        self.mutation.disconnect();
        if let Some(dark) = &self.dark {
            let _ = dark.remove_event_listener_with_callback("change", self.on_scheme.as_ref().unchecked_ref());
        }
    }
}

/// The canvas the tokens are painted on.
pub struct TokenLayer {
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    svg: Element,
    /// Set by the watchers: measure again and read the theme again before painting.
    stale: Rc<Cell<bool>>,
    placement: Option<Placement>,
    palette: Option<Palette>,
    /// Whether anything is on the bitmap now.
    painted: bool,
    /// The counters last written to the element.
    shown: Option<(usize, u64)>,
    _watchers: Option<Watchers>,
}

impl TokenLayer {
    /// Paint on `canvas` over `svg`; `wake` asks for a frame when the layer needs repainting
    /// (a resize, a theme change). `None` when the canvas has no 2D context.
    pub fn new(canvas: HtmlCanvasElement, svg: Element, wake: Rc<dyn Fn()>) -> Option<Self> {
        let context = canvas
            .get_context("2d")
            .ok()??
            .dyn_into::<CanvasRenderingContext2d>()
            .ok()?;
        // Over the SVG wherever the canvas is mounted, and never in the way of the pointer.
        let style = canvas.style();
        let _ = style.set_property("position", "absolute");
        let _ = style.set_property("pointer-events", "none");
        let stale = Rc::new(Cell::new(true));
        let watchers = watch(&svg, &stale, &wake);
        Some(Self {
            canvas,
            context,
            svg,
            stale,
            placement: None,
            palette: None,
            painted: false,
            shown: None,
            _watchers: watchers,
        })
    }

    /// Wipe the bitmap and zero the counters.
    pub fn clear(&mut self) {
        self.paint(&[], 0, &[], 0);
    }

    /// Paint one frame: `flashes` under `sprites`; `live` is the count of tokens alive (a pile
    /// is one sprite for many), `drawn` the count of tokens started.
    pub fn paint(&mut self, sprites: &[Sprite], live: usize, flashes: &[Flash], drawn: u64) {
        self.count(live, drawn);
        let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio());
        if self.stale.replace(false) || self.placement.is_none_or(|p| p.ratio != ratio) {
            let placement = self.place(ratio);
            if let Some(p) = placement
                && self
                    .placement
                    .is_none_or(|old| (old.least, old.text) != (p.least, p.text))
            {
                // Written only when changed: each write is a mutation the watchers report.
                let style = self.svg.unchecked_ref::<web_sys::SvgElement>().style();
                let _ = style.set_property("min-width", &format!("{:.0}px", p.least.0));
                let _ = style.set_property("min-height", &format!("{:.0}px", p.least.1));
                let _ = style.set_property("--u", &format!("{:.3}", p.text));
            }
            self.placement = placement;
            self.palette = Palette::read(&self.canvas);
            self.painted = true;
        }
        let nothing = sprites.is_empty() && flashes.is_empty();
        if nothing && !self.painted {
            return;
        }
        let (Some(placement), Some(palette)) = (self.placement, self.palette.as_ref()) else {
            return;
        };
        let c = &self.context;
        let _ = c.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
        c.set_global_alpha(1.0);
        c.clear_rect(0.0, 0.0, f64::from(placement.pixels.0), f64::from(placement.pixels.1));
        self.painted = !nothing;
        if nothing {
            return;
        }
        let (r, s, o) = (placement.ratio, placement.scale, placement.offset);
        let _ = c.set_transform(r * s, 0.0, 0.0, r * s, r * o.0, r * o.1);
        paint_flashes(c, palette, flashes);
        paint_tokens(c, palette, sprites);
    }

    fn count(&mut self, live: usize, drawn: u64) {
        if self.shown == Some((live, drawn)) {
            return;
        }
        if self.shown.is_none_or(|(l, _)| l != live) {
            let _ = self.canvas.set_attribute("data-live", &live.to_string());
        }
        if self.shown.is_none_or(|(_, d)| d != drawn) {
            let _ = self.canvas.set_attribute("data-drawn", &drawn.to_string());
        }
        self.shown = Some((live, drawn));
    }

    /// Lay the canvas over the SVG's box and size its bitmap for `ratio`.
    fn place(&self, ratio: f64) -> Option<Placement> {
        let svg = self.svg.get_bounding_client_rect();
        let now = self.canvas.get_bounding_client_rect();
        let style = self.canvas.style();
        let left = parse_px(&style.get_property_value("left").unwrap_or_default()) + svg.left() - now.left();
        let top = parse_px(&style.get_property_value("top").unwrap_or_default()) + svg.top() - now.top();
        let _ = style.set_property("left", &format!("{left}px"));
        let _ = style.set_property("top", &format!("{top}px"));
        let _ = style.set_property("width", &format!("{}px", svg.width()));
        let _ = style.set_property("height", &format!("{}px", svg.height()));
        let pixels = (
            (svg.width() * ratio).round().max(0.0) as u32,
            (svg.height() * ratio).round().max(0.0) as u32,
        );
        if (self.canvas.width(), self.canvas.height()) != pixels {
            self.canvas.set_width(pixels.0);
            self.canvas.set_height(pixels.1);
        }
        let view = view_box_size(&self.svg.get_attribute("viewBox").unwrap_or_default())?;
        let (scale, offset) = fit(view, (svg.width(), svg.height()))?;
        Some(Placement {
            ratio,
            pixels,
            scale,
            offset,
            least: ((view.0 * MIN_SCALE).round(), (view.1 * MIN_SCALE).round()),
            text: (1.0 / scale).clamp(1.0, 1.0 / MIN_SCALE),
        })
    }
}

/// serde_json's number parser, not `str::parse`: the standard library's float parsing brings a
/// 10 KB table into the wasm that nothing else needs.
fn parse_px(value: &str) -> f64 {
    serde_json::from_str(value.trim().trim_end_matches("px")).unwrap_or(0.0)
}

fn paint_flashes(c: &CanvasRenderingContext2d, palette: &Palette, flashes: &[Flash]) {
    c.set_line_width(FLASH_WIDTH);
    for flash in flashes {
        let (x, y, w, h) = flash.rect;
        c.set_global_alpha(flash.strength);
        c.set_stroke_style_str(palette.tone(flash.tone));
        c.begin_path();
        let _ = c.round_rect_with_f64(
            x - FLASH_MARGIN,
            y - FLASH_MARGIN,
            w + 2.0 * FLASH_MARGIN,
            h + 2.0 * FLASH_MARGIN,
            FLASH_RADIUS,
        );
        c.stroke();
    }
}

fn paint_tokens(c: &CanvasRenderingContext2d, palette: &Palette, sprites: &[Sprite]) {
    c.set_line_width(RING_WIDTH);
    c.set_stroke_style_str(&palette.surface);
    for (tone, opacity, indices) in batches(sprites) {
        c.set_global_alpha(opacity);
        c.set_fill_style_str(palette.tone(tone));
        c.begin_path();
        for i in indices {
            let s = &sprites[i];
            let r = radius(s);
            c.move_to(s.x + r, s.y);
            let _ = c.arc(s.x, s.y, r, 0.0, TAU);
        }
        c.fill();
        c.stroke();
    }
    let mut labels = sprites
        .iter()
        .filter(|s| s.opacity > 0.0)
        .filter_map(|s| Some((s, s.label.as_deref()?)))
        .peekable();
    if labels.peek().is_some() {
        c.set_font(&palette.label_font);
        c.set_text_align("center");
        c.set_fill_style_str("#fff");
        for (s, label) in labels {
            c.set_global_alpha(s.opacity);
            let _ = c.fill_text(label, s.x, s.y + LABEL_BASELINE);
        }
    }
}

/// A token's radius: larger with a label, wide enough for a pile's count (`×125`).
fn radius(sprite: &Sprite) -> f64 {
    sprite.label.as_deref().map_or(RADIUS, |label| {
        LABELLED_RADIUS.max(2.6 * label.chars().count() as f64 + 2.0)
    })
}

/// Watch what makes the layer stale: the SVG's size, the theme (`data-theme` on `<html>`, the
/// system's colour scheme) and the drawing's size (the SVG's `viewBox`).
fn watch(svg: &Element, stale: &Rc<Cell<bool>>, wake: &Rc<dyn Fn()>) -> Option<Watchers> {
    let mark = |stale: &Rc<Cell<bool>>, wake: &Rc<dyn Fn()>| {
        let (stale, wake) = (Rc::clone(stale), Rc::clone(wake));
        Closure::<dyn FnMut()>::new(move || {
            stale.set(true);
            wake();
        })
    };
    let window = web_sys::window()?;
    let on_resize = mark(stale, wake);
    let resize = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok()?;
    resize.observe(svg);
    let on_mutation = mark(stale, wake);
    let mutation = MutationObserver::new(on_mutation.as_ref().unchecked_ref()).ok()?;
    let attributes = web_sys::MutationObserverInit::new();
    attributes.set_attributes(true);
    let _ = mutation.observe_with_options(svg, &attributes);
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let filter = web_sys::js_sys::Array::of1(&JsValue::from_str("data-theme"));
        attributes.set_attribute_filter(&filter);
        let _ = mutation.observe_with_options(&root, &attributes);
    }
    let on_scheme = mark(stale, wake);
    let dark = window.match_media("(prefers-color-scheme: dark)").ok().flatten();
    if let Some(dark) = &dark {
        let _ = dark.add_event_listener_with_callback("change", on_scheme.as_ref().unchecked_ref());
    }
    Some(Watchers {
        resize,
        mutation,
        dark,
        _on_resize: on_resize,
        _on_mutation: on_mutation,
        on_scheme,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sprite(key: u64, tone: Tone, opacity: f64) -> Sprite {
        Sprite {
            key,
            message: key.to_string(),
            x: 0.0,
            y: 0.0,
            tone,
            label: None,
            opacity,
        }
    }

    #[test]
    fn the_drawing_size_comes_from_the_view_box() {
        assert_eq!(view_box_size("0 0 960 540"), Some((960.0, 540.0)));
        assert_eq!(view_box_size(" -5,  10 ,200 100 "), Some((200.0, 100.0)));
        assert_eq!(view_box_size(""), None);
        assert_eq!(view_box_size("0 0 0 540"), None);
        assert_eq!(view_box_size("0 0 wide 540"), None);
    }

    #[test]
    fn tokens_are_painted_in_one_batch_per_tone_and_opacity_and_hidden_ones_not_at_all() {
        let sprites = [
            sprite(0, Tone::Returned, 1.0),
            sprite(1, Tone::Flying, 1.0),
            sprite(2, Tone::Flying, 0.0),
            sprite(3, Tone::Returned, 0.5),
            sprite(4, Tone::Flying, 1.0),
            sprite(5, Tone::Returned, 1.0),
        ];
        let got: Vec<(Tone, f64, Vec<usize>)> = batches(&sprites);
        assert_eq!(
            got,
            [
                (Tone::Flying, 1.0, vec![1, 4]),
                (Tone::Returned, 0.5, vec![3]),
                (Tone::Returned, 1.0, vec![0, 5]),
            ]
        );
        assert!(batches(&[sprite(0, Tone::Lost, 0.0)]).is_empty());
    }

    #[test]
    fn every_tone_has_its_own_colour_slot() {
        for (i, tone) in TONES.iter().enumerate() {
            assert_eq!(tone_slot(*tone), i, "{tone:?}");
        }
    }
}
