//! Generates a large synthetic transcript for `keel replay` benchmarks.
//!
//! `cargo run --release --example gen_transcript -- 1000000 > big.jsonl`
//!
//! Messages are drawn deterministically (a fixed-seed xorshift) from a mix
//! of calm, frustrated and abusive support lines, spread over many channels
//! and authors, so the tracker sees realistic churn.

use std::io::{BufWriter, Write};

const CALM: &[&str] = &[
    "Hi, my order hasn't arrived yet, can you check the tracking for me?",
    "Thanks for the quick answer, that solved it.",
    "I was charged twice for my subscription this month, could you take a look?",
    "The app crashes when I open settings on Android 14. Any workaround?",
    "Could you reset my password? I'm locked out of my account since yesterday.",
    "Is there a way to change the shipping address on an order that's already placed?",
];
const FRUSTRATED: &[&str] = &[
    "This is the third time I'm asking. Still no answer, this is ridiculous.",
    "I've been waiting for two weeks, what a waste of my time!!!",
    "WHY IS NOBODY ANSWERING MY QUESTION ABOUT THE REFUND",
    "Let me speak to a manager, this is unacceptable.",
];
const ABUSIVE: &[&str] = &[
    "you useless idiots can't do anything right",
    "shut up and give me my money back you m0r0n",
    "this company is a joke and you are all f*cking clowns",
];

fn main() -> std::io::Result<()> {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    let start_ms: i64 = 1_795_000_000_000;
    for i in 0..n {
        let r = next();
        let channel = r % 500;
        let author = (r >> 16) % 20_000;
        let pick = (r >> 40) % 100;
        let (role, text) = if pick < 15 {
            ("staff", "I'm sorry about the trouble, let me check that for you right away.")
        } else if pick < 75 {
            ("customer", CALM[(r >> 8) as usize % CALM.len()])
        } else if pick < 95 {
            ("customer", FRUSTRATED[(r >> 8) as usize % FRUSTRATED.len()])
        } else {
            ("customer", ABUSIVE[(r >> 8) as usize % ABUSIVE.len()])
        };
        let ts = start_ms + (i as i64) * 50;
        writeln!(
            out,
            r#"{{"id":"m{i}","ts":{ts},"guild":"g1","channel":"c{channel}","author":"u{author}","role":"{role}","text":"{text}"}}"#
        )?;
    }
    out.flush()
}
