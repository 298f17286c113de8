//! Benchmarks for the escalation tracker.
//!
//! 1. `observe_customer` throughput (criterion), on a warm tracker and at the
//!    cap where every message evicts a conversation.
//! 2. Heap bytes per tracked author conversation, measured with a counting
//!    global allocator while 100,000 conversations are filled.
//! 3. 1,000,000 distinct conversations through a tracker capped at 100,000:
//!    `len()` never exceeds the cap and the heap stays flat once it is reached.
//!
//! Run with `cargo bench --bench tracker`. Under `cargo test` (no `--bench`
//! argument) the memory reports run at a tenth of the size and criterion
//! runs each benchmark once.

use criterion::{black_box, Criterion, Throughput};
use keel::core::escalation::{EscalationConfig, Observation, Tracker};
use keel::core::ids::{ChannelId, MemberId};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// `System`, counting the bytes currently allocated (requested sizes; the
/// allocator's own per-block overhead is not included).
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: defers every call to `System` unchanged; only counts sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            ALLOCATED.fetch_add(layout.size(), Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            ALLOCATED.fetch_add(layout.size(), Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        ALLOCATED.fetch_sub(layout.size(), Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            ALLOCATED.fetch_sub(layout.size(), Relaxed);
            ALLOCATED.fetch_add(new_size, Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocated() -> usize {
    ALLOCATED.load(Relaxed)
}

/// A varied, deterministic message for conversation `i`.
fn obs(i: u64) -> Observation {
    let r = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 56; // 0..=255
    Observation {
        score: r as f32 / 255.0,
        cue: (r % 7) as f32 / 10.0 - 0.3,
        abusive: r > 240,
        cooling: if r % 13 == 0 { 0.5 } else { 0.0 },
        cues: keel::core::forecast::Cues { soft: r as f32 / 255.0, question: r % 3 == 0, ..Default::default() },
    }
}

fn config(max_conversations: usize) -> EscalationConfig {
    EscalationConfig { max_conversations, ..EscalationConfig::default() }
}

/// (2): heap bytes per tracked author conversation.
fn report_bytes_per_conversation(conversations: u64) {
    const CHANNELS: u64 = 100;
    let before = allocated();
    let mut t = Tracker::new(config(conversations as usize));
    for i in 0..conversations {
        // 10 ms apart: far inside the idle TTL, so nothing is evicted.
        t.observe_customer(i as i64 * 10, ChannelId(i % CHANNELS), MemberId(i), &obs(i));
    }
    let bytes = allocated() - before;
    assert_eq!(t.len() as u64, conversations);
    let channel_share = CHANNELS as usize * Tracker::memory_per_channel();
    println!("== heap per tracked author conversation ==");
    println!("  {} author conversations in {} channels: {} bytes on the heap", t.len(), t.channels_len(), bytes);
    println!(
        "  {:.1} bytes/conversation (all of it); {:.1} without the channels' ~{} bytes",
        bytes as f64 / conversations as f64,
        (bytes - channel_share) as f64 / conversations as f64,
        channel_share
    );
    println!(
        "  estimate without table slack: Tracker::memory_per_conversation() = {} bytes",
        Tracker::memory_per_conversation()
    );
    drop(t);
}

/// (3): `conversations` distinct conversations through a tracker capped at `cap`.
fn report_flat_under_cap(conversations: u64, cap: usize) {
    let mut checkpoints = Vec::with_capacity(10); // allocated before counting
    let before = allocated();
    let mut t = Tracker::new(config(cap));
    let mut max_len = 0;
    let mut at_cap: Option<(u64, usize)> = None;
    let (mut low, mut high) = (usize::MAX, 0);
    let mut high_at = 0;
    for i in 0..conversations {
        // 1 ms apart: the whole run fits in the idle TTL, so only the cap evicts.
        t.observe_customer(i as i64, ChannelId(i % 1000), MemberId(i), &obs(i));
        max_len = max_len.max(t.len());
        let heap = allocated() - before;
        if (i + 1) % (conversations / 10) == 0 {
            checkpoints.push(heap);
        }
        match at_cap {
            None if t.len() == cap => at_cap = Some((i, heap)),
            None => {}
            Some(_) => {
                low = low.min(heap);
                if heap > high {
                    high = heap;
                    high_at = i;
                }
            }
        }
    }
    let (reached_at, heap_at_cap) = at_cap.expect("the cap is reached");
    let end = allocated() - before;
    println!("== {conversations} distinct conversations, max_conversations = {cap} ==");
    println!("  max len() = {max_len} (cap {cap}): {}", if max_len <= cap { "never exceeded" } else { "EXCEEDED" });
    println!("  heap when the cap was reached (message {reached_at}): {heap_at_cap} bytes");
    println!(
        "  heap afterwards: min {low}, max {high} (at message {high_at}), end {end} bytes; \
         max / at-cap = {:.3}",
        high as f64 / heap_at_cap as f64
    );
    println!("  heap after each tenth of the run: {checkpoints:?}");
    println!(
        "  (a step soon after the cap is the hash table doubling once as removals leave \
         tombstones; after that it rehashes in place and the heap stays flat)"
    );
    println!("  at the end: {:.1} bytes per tracked author conversation", end as f64 / t.len() as f64);
    assert!(max_len <= cap);
}

fn throughput(c: &mut Criterion) {
    // A warm tracker: 10,000 conversations in 100 channels, visited in turn.
    const WARM: u64 = 10_000;
    // At the cap: every message starts a conversation and evicts the oldest.
    const CAP: usize = 10_000;
    let mut g = c.benchmark_group("observe_customer");
    g.throughput(Throughput::Elements(1));

    let mut t = Tracker::new(config(100_000));
    for i in 0..WARM {
        t.observe_customer(i as i64 * 10, ChannelId(i % 100), MemberId(i), &obs(i));
    }
    let (mut i, mut now) = (0u64, WARM as i64 * 10);
    g.bench_function("warm_10k", |b| {
        b.iter(|| {
            i += 1;
            now += 50;
            let a = i % WARM;
            black_box(t.observe_customer(now, ChannelId(a % 100), MemberId(a), &obs(i)))
        });
    });

    let mut t = Tracker::new(config(CAP));
    let (mut i, mut now) = (0u64, 0i64);
    g.bench_function("new_conversation_at_cap_10k", |b| {
        b.iter(|| {
            i += 1;
            now += 1;
            black_box(t.observe_customer(now, ChannelId(i % 100), MemberId(i), &obs(i)))
        });
    });

    // The read the scorer does before each message.
    g.bench_function("message_rate", |b| {
        // Cycles over the conversations still tracked (the last CAP).
        let (newest, mut k) = (i, 0u64);
        b.iter(|| {
            k += 1;
            let a = newest - k % CAP as u64;
            black_box(t.message_rate(ChannelId(a % 100), MemberId(a), now))
        });
    });
    g.finish();
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let scale = if full { 1 } else { 10 };
    report_bytes_per_conversation(100_000 / scale);
    report_flat_under_cap(1_000_000 / scale, 100_000 / scale as usize);
    let mut c =
        Criterion::default().sample_size(50).measurement_time(std::time::Duration::from_secs(4)).configure_from_args();
    throughput(&mut c);
    c.final_summary();
}
