//! Raw DEFLATE (RFC 1951) for share links: [`compress`] and [`decompress`].
//!
//! Links are a few kilobytes, so this favours small code over speed: one dynamic-Huffman block
//! with hash-chain matching and lazy evaluation (about zlib's ratio on scenario JSON), and a
//! canonical-Huffman decoder that reads a bit at a time and accepts every block type, including
//! those of links written by other encoders. A general-purpose codec would cost the page's wasm
//! about 10 KiB more. Host tests check both directions against `miniz_oxide`.

/// Why a stream does not decompress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InflateError {
    /// The stream ends before its last block does.
    CutShort,
    /// The stream is not DEFLATE (the reason, in a few words).
    Invalid(&'static str),
    /// The output would be larger than the limit.
    TooLarge,
}

impl std::fmt::Display for InflateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::CutShort => f.write_str(CUT_SHORT),
            Self::Invalid(why) => f.write_str(why),
            Self::TooLarge => f.write_str(TOO_LARGE),
        }
    }
}

/// What the reader says when the data ends too soon.
pub const CUT_SHORT: &str = "the data ends too soon (cut short)";
/// What the reader says when the data unpacks to more than the limit.
pub const TOO_LARGE: &str = "the data unpacks to more than the limit";
/// A stream that is not DEFLATE: a block has the reserved type 3.
pub const RESERVED_TYPE: &str = "a block has the reserved type 3";
/// A stream that is not DEFLATE: a stored block's length is corrupt.
pub const STORED_LENGTH: &str = "a stored block's length is corrupt";
/// A stream that is not DEFLATE: a Huffman code is over-subscribed.
pub const OVER_SUBSCRIBED: &str = "a Huffman code is over-subscribed";
/// A stream that is not DEFLATE: a Huffman code is incomplete.
pub const INCOMPLETE: &str = "a Huffman code is incomplete";
/// A stream that is not DEFLATE: a code is not in its Huffman table.
pub const NOT_IN_TABLE: &str = "a code is not in its Huffman table";
/// A stream that is not DEFLATE: a block declares too many codes.
pub const TOO_MANY_CODES: &str = "a block declares too many codes";
/// A stream that is not DEFLATE: a length repeats nothing.
pub const REPEATS_NOTHING: &str = "a length repeats nothing";
/// A stream that is not DEFLATE: code lengths run past their table.
pub const LENGTHS_PAST_TABLE: &str = "code lengths run past their table";
/// A stream that is not DEFLATE: a block has no end-of-block code.
pub const NO_END_OF_BLOCK: &str = "a block has no end-of-block code";
/// A stream that is not DEFLATE: a length code is out of range.
pub const LENGTH_OUT_OF_RANGE: &str = "a length code is out of range";
/// A stream that is not DEFLATE: a distance code is out of range.
pub const DISTANCE_OUT_OF_RANGE: &str = "a distance code is out of range";
/// A stream that is not DEFLATE: a match reaches back before the start.
pub const BEFORE_THE_START: &str = "a match reaches back before the start";
/// Every sentence the reader says, for the page's translations.
pub const SENTENCES: &[&str] = &[
    CUT_SHORT,
    TOO_LARGE,
    RESERVED_TYPE,
    STORED_LENGTH,
    OVER_SUBSCRIBED,
    INCOMPLETE,
    NOT_IN_TABLE,
    TOO_MANY_CODES,
    REPEATS_NOTHING,
    LENGTHS_PAST_TABLE,
    NO_END_OF_BLOCK,
    LENGTH_OUT_OF_RANGE,
    DISTANCE_OUT_OF_RANGE,
    BEFORE_THE_START,
];

const LENGTH_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
];
const LENGTH_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
];
/// The order in which a dynamic block lists the code-length code's lengths.
const CLEN_ORDER: [usize; 19] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const END_OF_BLOCK: usize = 256;
const WINDOW: usize = 32 * 1024;
const MIN_MATCH: usize = 3;
const MAX_MATCH: usize = 258;
/// How many earlier positions a match search looks at.
const MAX_CHAIN: usize = 256;

/// The fixed-Huffman lengths of literal/length (288) and distance (32) symbols: both codes are
/// complete; the symbols no block may use (286, 287, 30, 31) are refused when they are read.
fn fixed_lengths() -> (Vec<u8>, Vec<u8>) {
    let lit = (0..288)
        .map(|s| match s {
            0..=143 => 8,
            144..=255 => 9,
            256..=279 => 7,
            _ => 8,
        })
        .collect();
    (lit, vec![5; 32])
}

// ----- decoding -------------------------------------------------------------------------------

/// Decompress a raw DEFLATE stream into at most `limit` bytes.
pub fn decompress(data: &[u8], limit: usize) -> Result<Vec<u8>, InflateError> {
    let mut input = BitReader { data, pos: 0, bit: 0 };
    let mut out = Vec::new();
    // The fixed codes, built at the first fixed block: a stream may hold thousands.
    let mut fixed = None;
    loop {
        let last = input.bits(1)? == 1;
        match input.bits(2)? {
            0 => stored(&mut input, &mut out, limit)?,
            1 => {
                let (lit, dist) = match &fixed {
                    Some(codes) => codes,
                    None => {
                        let (lit, dist) = fixed_lengths();
                        fixed.insert((Decoder::new(&lit, false)?, Decoder::new(&dist, false)?))
                    }
                };
                inflate_block(&mut input, &mut out, limit, lit, dist)?;
            }
            2 => {
                let (lit, dist) = read_dynamic_header(&mut input)?;
                inflate_block(&mut input, &mut out, limit, &lit, &dist)?;
            }
            _ => return Err(InflateError::Invalid(RESERVED_TYPE)),
        }
        if last {
            return Ok(out);
        }
    }
}

struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    bit: u32,
}

impl BitReader<'_> {
    /// `n` bits (at most 16), least significant first.
    fn bits(&mut self, n: u32) -> Result<u32, InflateError> {
        let mut value = 0;
        for i in 0..n {
            let byte = *self.data.get(self.pos).ok_or(InflateError::CutShort)?;
            value |= u32::from((byte >> self.bit) & 1) << i;
            self.bit += 1;
            if self.bit == 8 {
                self.bit = 0;
                self.pos += 1;
            }
        }
        Ok(value)
    }

    fn align(&mut self) {
        if self.bit != 0 {
            self.bit = 0;
            self.pos += 1;
        }
    }
}

fn stored(input: &mut BitReader<'_>, out: &mut Vec<u8>, limit: usize) -> Result<(), InflateError> {
    input.align();
    let len = input.bits(16)?;
    let nlen = input.bits(16)?;
    if len != !nlen & 0xffff {
        return Err(InflateError::Invalid(STORED_LENGTH));
    }
    let end = input.pos + len as usize;
    let bytes = input.data.get(input.pos..end).ok_or(InflateError::CutShort)?;
    if out.len() + bytes.len() > limit {
        return Err(InflateError::TooLarge);
    }
    out.extend_from_slice(bytes);
    input.pos = end;
    Ok(())
}

/// A canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Decoder {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Decoder {
    /// The code with these lengths (0: unused). A code is refused when it is over-subscribed
    /// (more codes than bit patterns) or incomplete (bit patterns that name no symbol), as zlib
    /// and miniz_oxide refuse it, so a damaged stream is noticed rather than misread. The one
    /// exception, when `sparse_ok`, is a code of at most one symbol of one bit: RFC 1951 lets
    /// a block's literal/length and distance codes be that small.
    fn new(lengths: &[u8], sparse_ok: bool) -> Result<Self, InflateError> {
        let mut counts = [0u16; 16];
        for &len in lengths {
            counts[usize::from(len)] += 1;
        }
        counts[0] = 0;
        let mut left: i32 = 1;
        for &count in &counts[1..] {
            left = left * 2 - i32::from(count);
            if left < 0 {
                return Err(InflateError::Invalid(OVER_SUBSCRIBED));
            }
        }
        let sparse = counts[2..].iter().all(|&count| count == 0);
        if left > 0 && !(sparse_ok && sparse) {
            return Err(InflateError::Invalid(INCOMPLETE));
        }
        // Symbols by length, then by value: each length's run starts after the shorter ones.
        let mut next = [0usize; 16];
        for len in 1..15 {
            next[len + 1] = next[len] + usize::from(counts[len]);
        }
        let mut symbols = vec![0u16; next[15] + usize::from(counts[15])];
        for (symbol, &len) in lengths.iter().enumerate().filter(|&(_, &len)| len > 0) {
            symbols[next[usize::from(len)]] = symbol as u16;
            next[usize::from(len)] += 1;
        }
        Ok(Self { counts, symbols })
    }

    fn decode(&self, input: &mut BitReader<'_>) -> Result<usize, InflateError> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for &count in &self.counts[1..] {
            code |= input.bits(1)? as i32;
            let count = i32::from(count);
            if code - first < count {
                return Ok(usize::from(self.symbols[(index + code - first) as usize]));
            }
            index += count;
            first = (first + count) << 1;
            code <<= 1;
        }
        Err(InflateError::Invalid(NOT_IN_TABLE))
    }
}

fn read_dynamic_header(input: &mut BitReader<'_>) -> Result<(Decoder, Decoder), InflateError> {
    let lit_count = input.bits(5)? as usize + 257;
    let dist_count = input.bits(5)? as usize + 1;
    let clen_count = input.bits(4)? as usize + 4;
    if lit_count > 286 || dist_count > 30 {
        return Err(InflateError::Invalid(TOO_MANY_CODES));
    }
    let mut clen_lengths = [0u8; 19];
    for &symbol in &CLEN_ORDER[..clen_count] {
        clen_lengths[symbol] = input.bits(3)? as u8;
    }
    let clen = Decoder::new(&clen_lengths, false)?;
    let mut lengths = Vec::with_capacity(lit_count + dist_count);
    while lengths.len() < lit_count + dist_count {
        let symbol = clen.decode(input)?;
        let (value, repeat) = match symbol {
            0..=15 => (symbol as u8, 1),
            16 => {
                let previous = *lengths.last().ok_or(InflateError::Invalid(REPEATS_NOTHING))?;
                (previous, 3 + input.bits(2)?)
            }
            17 => (0, 3 + input.bits(3)?),
            _ => (0, 11 + input.bits(7)?),
        };
        if lengths.len() + repeat as usize > lit_count + dist_count {
            return Err(InflateError::Invalid(LENGTHS_PAST_TABLE));
        }
        lengths.extend(std::iter::repeat_n(value, repeat as usize));
    }
    if lengths[END_OF_BLOCK] == 0 {
        return Err(InflateError::Invalid(NO_END_OF_BLOCK));
    }
    Ok((
        Decoder::new(&lengths[..lit_count], true)?,
        Decoder::new(&lengths[lit_count..], true)?,
    ))
}

fn inflate_block(
    input: &mut BitReader<'_>,
    out: &mut Vec<u8>,
    limit: usize,
    lit: &Decoder,
    dist: &Decoder,
) -> Result<(), InflateError> {
    loop {
        let symbol = lit.decode(input)?;
        if symbol < END_OF_BLOCK {
            if out.len() >= limit {
                return Err(InflateError::TooLarge);
            }
            out.push(symbol as u8);
            continue;
        }
        if symbol == END_OF_BLOCK {
            return Ok(());
        }
        let slot = symbol - 257;
        if slot >= LENGTH_BASE.len() {
            return Err(InflateError::Invalid(LENGTH_OUT_OF_RANGE));
        }
        let len = usize::from(LENGTH_BASE[slot]) + input.bits(u32::from(LENGTH_EXTRA[slot]))? as usize;
        let slot = dist.decode(input)?;
        if slot >= DIST_BASE.len() {
            return Err(InflateError::Invalid(DISTANCE_OUT_OF_RANGE));
        }
        let distance = usize::from(DIST_BASE[slot]) + input.bits(u32::from(DIST_EXTRA[slot]))? as usize;
        if distance > out.len() {
            return Err(InflateError::Invalid(BEFORE_THE_START));
        }
        if out.len() + len > limit {
            return Err(InflateError::TooLarge);
        }
        let start = out.len() - distance;
        for i in 0..len {
            out.push(out[start + i]);
        }
    }
}

// ----- encoding -------------------------------------------------------------------------------

/// What the matcher found at a position: a literal byte or a match `(length, distance)`.
#[derive(Clone, Copy)]
enum Token {
    Literal(u8),
    Match(u16, u16),
}

/// Compress `data` as one dynamic-Huffman DEFLATE block.
pub fn compress(data: &[u8]) -> Vec<u8> {
    let tokens = lz77(data);
    let mut lit_freq = [0u32; 286];
    let mut dist_freq = [0u32; 30];
    for &token in &tokens {
        match token {
            Token::Literal(byte) => lit_freq[usize::from(byte)] += 1,
            Token::Match(len, distance) => {
                lit_freq[257 + length_slot(len)] += 1;
                dist_freq[distance_slot(distance)] += 1;
            }
        }
    }
    lit_freq[END_OF_BLOCK] = 1;
    let lit_lengths = code_lengths(&lit_freq, 15);
    let dist_lengths = code_lengths(&dist_freq, 15);
    let lit_codes = canonical_codes(&lit_lengths);
    let dist_codes = canonical_codes(&dist_lengths);

    let mut out = BitWriter::default();
    out.put(1, 1); // the last block
    out.put(2, 2); // dynamic Huffman
    write_dynamic_header(&mut out, &lit_lengths, &dist_lengths);
    for &token in &tokens {
        match token {
            Token::Literal(byte) => out.code(lit_codes[usize::from(byte)], lit_lengths[usize::from(byte)]),
            Token::Match(len, distance) => {
                let slot = length_slot(len);
                out.code(lit_codes[257 + slot], lit_lengths[257 + slot]);
                out.put(u32::from(len - LENGTH_BASE[slot]), u32::from(LENGTH_EXTRA[slot]));
                let slot = distance_slot(distance);
                out.code(dist_codes[slot], dist_lengths[slot]);
                out.put(u32::from(distance - DIST_BASE[slot]), u32::from(DIST_EXTRA[slot]));
            }
        }
    }
    out.code(lit_codes[END_OF_BLOCK], lit_lengths[END_OF_BLOCK]);
    out.finish()
}

fn length_slot(len: u16) -> usize {
    LENGTH_BASE.iter().rposition(|&base| base <= len).unwrap_or(0)
}

fn distance_slot(distance: u16) -> usize {
    DIST_BASE.iter().rposition(|&base| base <= distance).unwrap_or(0)
}

/// Greedy matching with one step of lazy evaluation, over hash chains of 3-byte prefixes.
fn lz77(data: &[u8]) -> Vec<Token> {
    let mut matcher = Matcher {
        data,
        head: vec![usize::MAX; Matcher::HASH_SIZE],
        previous: vec![usize::MAX; data.len()],
    };
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let (len, distance) = matcher.longest(i);
        matcher.insert(i);
        // A longer match one byte on is worth a literal first.
        if len == 0 || matcher.longest(i + 1).0 > len {
            tokens.push(Token::Literal(data[i]));
            i += 1;
            continue;
        }
        tokens.push(Token::Match(len as u16, distance as u16));
        for k in i + 1..i + len {
            matcher.insert(k);
        }
        i += len;
    }
    tokens
}

/// Earlier positions by the hash of the three bytes that start there.
struct Matcher<'a> {
    data: &'a [u8],
    /// The latest position with each hash.
    head: Vec<usize>,
    /// The position before each one with the same hash.
    previous: Vec<usize>,
}

impl Matcher<'_> {
    const HASH_SIZE: usize = 1 << 12;

    fn hash(&self, i: usize) -> usize {
        let d = self.data;
        (usize::from(d[i]) << 8 ^ usize::from(d[i + 1]) << 4 ^ usize::from(d[i + 2])) & (Self::HASH_SIZE - 1)
    }

    fn insert(&mut self, i: usize) {
        if i + MIN_MATCH <= self.data.len() {
            let h = self.hash(i);
            self.previous[i] = self.head[h];
            self.head[h] = i;
        }
    }

    /// The longest earlier match for the bytes at `i`: `(length, distance)`, or `(0, 0)`.
    fn longest(&self, i: usize) -> (usize, usize) {
        if i + MIN_MATCH > self.data.len() {
            return (0, 0);
        }
        let max = MAX_MATCH.min(self.data.len() - i);
        let (mut best_len, mut best_distance) = (0, 0);
        let mut candidate = self.head[self.hash(i)];
        for _ in 0..MAX_CHAIN {
            if candidate == usize::MAX || i - candidate > WINDOW {
                break;
            }
            let len = (0..max)
                .take_while(|&k| self.data[candidate + k] == self.data[i + k])
                .count();
            if len > best_len {
                (best_len, best_distance) = (len, i - candidate);
                if len == max {
                    break;
                }
            }
            candidate = self.previous[candidate];
        }
        if best_len >= MIN_MATCH {
            (best_len, best_distance)
        } else {
            (0, 0)
        }
    }
}

/// Huffman code lengths for `freq`, none longer than `limit`; unused symbols get 0. A code
/// always has at least two symbols, so every decoder accepts it.
fn code_lengths(freq: &[u32], limit: u8) -> Vec<u8> {
    let mut weights: Vec<u32> = freq.to_vec();
    let used = weights.iter().filter(|&&w| w > 0).count();
    for w in weights
        .iter_mut()
        .filter(|w| **w == 0)
        .take(2usize.saturating_sub(used))
    {
        *w = 1;
    }
    loop {
        let lengths = huffman_lengths(&weights);
        if lengths.iter().all(|&l| l <= limit) {
            return lengths;
        }
        // Too deep: flatten the weights and try again.
        for w in weights.iter_mut().filter(|w| **w > 0) {
            *w = w.div_ceil(2);
        }
    }
}

/// Plain Huffman: merge the two lightest trees until one is left; a symbol's length is its depth.
fn huffman_lengths(weights: &[u32]) -> Vec<u8> {
    // Trees as (weight, members); a merge makes every member one level deeper.
    let mut trees: Vec<(u64, Vec<usize>)> = (0..weights.len())
        .filter(|&s| weights[s] > 0)
        .map(|s| (u64::from(weights[s]), vec![s]))
        .collect();
    let mut lengths = vec![0u8; weights.len()];
    while trees.len() > 1 {
        let lightest = |trees: &[(u64, Vec<usize>)]| (0..trees.len()).min_by_key(|&t| trees[t].0).unwrap_or(0);
        let (wa, a) = trees.swap_remove(lightest(&trees));
        let b = lightest(&trees);
        for &s in a.iter().chain(&trees[b].1) {
            lengths[s] += 1;
        }
        trees[b].0 += wa;
        trees[b].1.extend(a);
    }
    lengths
}

/// Canonical codes for `lengths` (RFC 1951, 3.2.2), most significant bit first.
fn canonical_codes(lengths: &[u8]) -> Vec<u16> {
    let mut count = [0u16; 16];
    for &len in lengths {
        count[usize::from(len)] += 1;
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    let mut code = 0u16;
    for len in 1..16 {
        code = (code + count[len - 1]) << 1;
        next[len] = code;
    }
    lengths
        .iter()
        .map(|&len| {
            let len = usize::from(len);
            if len == 0 {
                return 0;
            }
            next[len] += 1;
            next[len] - 1
        })
        .collect()
}

/// The header of a dynamic block: code-length-coded lengths of both codes.
fn write_dynamic_header(out: &mut BitWriter, lit_lengths: &[u8], dist_lengths: &[u8]) {
    let lit_count = 257.max(lit_lengths.iter().rposition(|&l| l > 0).map_or(0, |p| p + 1));
    let dist_count = 1.max(dist_lengths.iter().rposition(|&l| l > 0).map_or(0, |p| p + 1));
    let all: Vec<u8> = lit_lengths[..lit_count]
        .iter()
        .chain(&dist_lengths[..dist_count])
        .copied()
        .collect();
    // Run-length code the lengths: (symbol, extra bits value, extra bit count).
    let mut runs: Vec<(u8, u32, u32)> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let value = all[i];
        let run = all[i..].iter().take_while(|&&l| l == value).count();
        if value == 0 && run >= 11 {
            let n = run.min(138);
            runs.push((18, (n - 11) as u32, 7));
            i += n;
        } else if value == 0 && run >= 3 {
            runs.push((17, (run - 3) as u32, 3));
            i += run;
        } else if value != 0 && run >= 4 {
            runs.push((value, 0, 0));
            let n = (run - 1).min(6);
            runs.push((16, (n - 3) as u32, 2));
            i += 1 + n;
        } else {
            runs.push((value, 0, 0));
            i += 1;
        }
    }
    let mut clen_freq = [0u32; 19];
    for &(symbol, _, _) in &runs {
        clen_freq[usize::from(symbol)] += 1;
    }
    let clen_lengths = code_lengths(&clen_freq, 7);
    let clen_codes = canonical_codes(&clen_lengths);
    let clen_count = 4.max(
        CLEN_ORDER
            .iter()
            .rposition(|&s| clen_lengths[s] > 0)
            .map_or(0, |p| p + 1),
    );
    out.put((lit_count - 257) as u32, 5);
    out.put((dist_count - 1) as u32, 5);
    out.put((clen_count - 4) as u32, 4);
    for &symbol in &CLEN_ORDER[..clen_count] {
        out.put(u32::from(clen_lengths[symbol]), 3);
    }
    for (symbol, extra, bits) in runs {
        out.code(clen_codes[usize::from(symbol)], clen_lengths[usize::from(symbol)]);
        out.put(extra, bits);
    }
}

#[derive(Default)]
struct BitWriter {
    bytes: Vec<u8>,
    buffer: u32,
    count: u32,
}

impl BitWriter {
    /// `n` bits of `value`, least significant first.
    fn put(&mut self, value: u32, n: u32) {
        for i in 0..n {
            self.buffer |= ((value >> i) & 1) << self.count;
            self.count += 1;
            if self.count == 8 {
                self.bytes.push(self.buffer as u8);
                (self.buffer, self.count) = (0, 0);
            }
        }
    }

    /// A Huffman code: its most significant bit goes first.
    fn code(&mut self, code: u16, len: u8) {
        for i in (0..u32::from(len)).rev() {
            self.put(u32::from(code >> i) & 1, 1);
        }
    }

    fn finish(mut self) -> Vec<u8> {
        if self.count > 0 {
            self.bytes.push(self.buffer as u8);
        }
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Inputs that exercise literals, long and overlapping matches, far distances and empties.
    fn samples() -> Vec<Vec<u8>> {
        let mut samples: Vec<Vec<u8>> = crate::gallery::examples()
            .iter()
            .map(|e| e.json.as_bytes().to_vec())
            .collect();
        samples.push(Vec::new());
        samples.push(b"a".to_vec());
        samples.push(b"ab".to_vec());
        samples.push(vec![b'x'; 1000]);
        samples.push(vec![0; 70_000]);
        let mut state = 12345u32;
        let noise: Vec<u8> = (0..50_000)
            .map(|_| {
                state = state.wrapping_mul(1_103_515_245).wrapping_add(12345);
                (state >> 16) as u8
            })
            .collect();
        samples.push(noise.clone());
        let mut mixed = noise[..5000].to_vec();
        mixed.extend_from_slice(&noise[..5000]);
        mixed.extend(crate::gallery::examples().iter().flat_map(|e| e.json.bytes()));
        samples.push(mixed);
        samples
    }

    #[test]
    fn round_trips_through_itself_and_miniz() {
        for sample in samples() {
            let packed = compress(&sample);
            assert_eq!(
                decompress(&packed, usize::MAX).as_ref(),
                Ok(&sample),
                "{} bytes",
                sample.len()
            );
            let by_miniz = miniz_oxide::inflate::decompress_to_vec(&packed).expect("miniz reads our stream");
            assert_eq!(by_miniz, sample);
            for level in [0, 1, 6, 9] {
                let theirs = miniz_oxide::deflate::compress_to_vec(&sample, level);
                assert_eq!(decompress(&theirs, usize::MAX).as_ref(), Ok(&sample), "level {level}");
            }
        }
    }

    #[test]
    fn compresses_scenarios_about_as_well_as_miniz() {
        let (mut ours, mut theirs) = (0, 0);
        for example in crate::gallery::examples() {
            let compact = serde_json::to_vec(&serde_json::from_str::<serde_json::Value>(example.json).expect("JSON"))
                .expect("compact JSON");
            ours += compress(&compact).len();
            theirs += miniz_oxide::deflate::compress_to_vec(&compact, 9).len();
        }
        assert!(ours * 100 <= theirs * 102, "{ours} bytes against miniz's {theirs}");
    }

    #[test]
    fn broken_streams_are_refused_not_misread() {
        assert_eq!(decompress(&[], 10), Err(InflateError::CutShort));
        assert_eq!(
            decompress(&[0b111], 10),
            Err(InflateError::Invalid("a block has the reserved type 3"))
        );
        let packed = compress(b"hello hello hello hello");
        for cut in 1..packed.len() {
            assert!(decompress(&packed[..cut], 100).is_err(), "cut at {cut}");
        }
        assert_eq!(decompress(&packed, 5), Err(InflateError::TooLarge));
        // A stored block whose length check is wrong.
        assert!(matches!(
            decompress(&[1, 5, 0, 5, 0], 10),
            Err(InflateError::Invalid(_))
        ));
    }

    /// One dynamic block with these code lengths, then what `body` writes in it.
    fn dynamic_block(lit_lengths: &[u8], dist_lengths: &[u8], body: impl FnOnce(&mut BitWriter)) -> Vec<u8> {
        let mut out = BitWriter::default();
        out.put(1, 1);
        out.put(2, 2);
        write_dynamic_header(&mut out, lit_lengths, dist_lengths);
        body(&mut out);
        out.finish()
    }

    /// Found by fuzzing (`cargo xtask fuzz`, target `deflate`): a stream whose literal/length
    /// code left bit patterns unused was read, where zlib and miniz_oxide refuse it.
    #[test]
    fn incomplete_codes_are_refused_as_zlib_refuses_them() {
        let incomplete = Err(InflateError::Invalid("a Huffman code is incomplete"));
        // 'a' and end-of-block as 00 and 01; 1x names nothing.
        let mut lit = vec![0u8; 257];
        (lit[usize::from(b'a')], lit[END_OF_BLOCK]) = (2, 2);
        let stream = dynamic_block(&lit, &[0], |out| {
            out.code(0b00, 2);
            out.code(0b01, 2);
        });
        assert_eq!(decompress(&stream, 10), incomplete);
        assert!(miniz_oxide::inflate::decompress_to_vec(&stream).is_err());

        // A code-length code of one symbol is incomplete too: it must always be complete.
        let mut out = BitWriter::default();
        out.put(1, 1);
        out.put(2, 2);
        out.put(0, 5); // 257 literal/length codes
        out.put(0, 5); // 1 distance code
        out.put(0, 4); // 4 code-length codes: for 16, 17, 18 and 0
        for len in [0, 0, 1, 0] {
            out.put(len, 3);
        }
        let stream = out.finish();
        assert_eq!(decompress(&stream, 10), incomplete);
        assert!(miniz_oxide::inflate::decompress_to_vec(&stream).is_err());
    }

    #[test]
    fn codes_of_one_one_bit_symbol_are_read() {
        // End-of-block alone, as 0, and no distance code: an empty block.
        let mut lit = vec![0u8; 257];
        lit[END_OF_BLOCK] = 1;
        let stream = dynamic_block(&lit, &[0], |out| out.code(0, 1));
        assert_eq!(decompress(&stream, 10), Ok(Vec::new()));
        assert_eq!(miniz_oxide::inflate::decompress_to_vec(&stream).ok(), Some(Vec::new()));

        // One distance code of one bit: 'a', then 3 more from 1 back.
        let mut lit = vec![0u8; 258];
        (lit[usize::from(b'a')], lit[END_OF_BLOCK], lit[257]) = (1, 2, 2);
        let stream = dynamic_block(&lit, &[1], |out| {
            out.code(0b0, 1); // 'a'
            out.code(0b11, 2); // length 3
            out.code(0b0, 1); // distance 1
            out.code(0b10, 2); // end of block
        });
        assert_eq!(decompress(&stream, 10).as_deref(), Ok(&b"aaaa"[..]));
        assert_eq!(
            miniz_oxide::inflate::decompress_to_vec(&stream).ok().as_deref(),
            Some(&b"aaaa"[..])
        );
    }

    #[test]
    fn fixed_blocks_refuse_the_symbols_no_block_may_use() {
        // Fixed Huffman: 'a', then a match whose distance code is 30, which the fixed code
        // has a pattern for but no block may use.
        let mut out = BitWriter::default();
        out.put(1, 1);
        out.put(1, 2);
        out.code(0x30 + u16::from(b'a'), 8); // 'a'
        out.code(0b000_0001, 7); // length 3
        out.code(30, 5); // distance code 30
        out.code(0, 7); // end of block
        let stream = out.finish();
        assert_eq!(
            decompress(&stream, 10),
            Err(InflateError::Invalid("a distance code is out of range"))
        );
        assert!(miniz_oxide::inflate::decompress_to_vec(&stream).is_err());
    }
}
