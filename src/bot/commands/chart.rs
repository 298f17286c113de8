//! The PNG chart of `/keel report`: per-day bars of nudges, boundaries and
//! false alarms.
//!
//! Drawn with `plotters`' bitmap backend and encoded with `image`'s PNG
//! encoder, all in memory. The chart has no text on it: text needs a font,
//! and plotters would read one from the system (fontconfig) or from a file
//! shipped with keel. The legend and the scale go in the message instead
//! ([`LEGEND`]), so the bot runs on a machine without any fonts installed.

use crate::store::report::{Day, DAY_MS};
use plotters::prelude::*;

/// Width and height of the chart in pixels.
pub const SIZE: (u32, u32) = (800, 300);

/// What the bars mean, for the message that carries the chart.
pub const LEGEND: &str = "Chart: one group of bars per day, oldest on the left — blue: nudges, red: boundaries, grey: false alarms; the tallest bar is the period's highest daily count.";

const COLOURS: [RGBColor; 3] = [RGBColor(0x34, 0x98, 0xdb), RGBColor(0xe7, 0x4c, 0x3c), RGBColor(0x95, 0xa5, 0xa6)];

/// The chart of `days` (the report's days with activity) over the `n_days`
/// UTC days from the one holding `since_ms`, as PNG bytes.
pub fn days_png(days: &[Day], since_ms: i64, n_days: u32) -> Result<Vec<u8>, String> {
    let (w, h) = SIZE;
    let n = n_days.clamp(1, 366) as usize;
    let first = since_ms.div_euclid(DAY_MS) * DAY_MS;
    let mut counts = vec![[0u64; 3]; n];
    for d in days {
        let i = (d.start_ms - first).div_euclid(DAY_MS);
        if let Some(slot) = usize::try_from(i).ok().and_then(|i| counts.get_mut(i)) {
            *slot = [d.nudges, d.boundaries, d.false_alarms];
        }
    }
    let max = counts.iter().flatten().copied().max().unwrap_or(0).max(1);
    let mut rgb = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let (left, right, top, bottom) = (20i32, w as i32 - 20, 20i32, h as i32 - 30);
        let slot = f64::from(right - left) / n as f64;
        let bar = (slot * 0.8 / 3.0).max(1.0);
        for (i, c) in counts.iter().enumerate() {
            for (k, &v) in c.iter().enumerate() {
                if v == 0 {
                    continue;
                }
                let x0 = left + (slot * i as f64 + slot * 0.1 + bar * k as f64) as i32;
                let x1 = (x0 + bar as i32 - 1).max(x0 + 1);
                let y0 = bottom - ((f64::from(bottom - top) * v as f64 / max as f64) as i32).max(1);
                root.draw(&Rectangle::new([(x0, y0), (x1, bottom)], COLOURS[k].filled())).map_err(|e| e.to_string())?;
            }
        }
        // The baseline and one tick per day.
        root.draw(&PathElement::new(vec![(left, bottom), (right, bottom)], BLACK)).map_err(|e| e.to_string())?;
        for i in 0..=n {
            let x = left + (slot * i as f64) as i32;
            root.draw(&PathElement::new(vec![(x, bottom), (x, bottom + 5)], BLACK)).map_err(|e| e.to_string())?;
        }
        root.present().map_err(|e| e.to_string())?;
    }
    let image = image::RgbImage::from_raw(w, h, rgb).ok_or("the chart's buffer has the wrong size")?;
    let mut png = std::io::Cursor::new(Vec::new());
    image.write_to(&mut png, image::ImageOutputFormat::Png).map_err(|e| e.to_string())?;
    Ok(png.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chart_is_a_png_of_the_right_size_with_bars() {
        let since = 20 * DAY_MS + 5_000;
        let days = [
            Day { start_ms: 20 * DAY_MS, nudges: 3, boundaries: 1, false_alarms: 0 },
            Day { start_ms: 22 * DAY_MS, nudges: 0, boundaries: 2, false_alarms: 1 },
            // Outside the period: ignored, not a panic.
            Day { start_ms: 40 * DAY_MS, nudges: 9, boundaries: 0, false_alarms: 0 },
        ];
        for (name, days) in [("with activity", &days[..]), ("empty period", &[][..])] {
            let png = days_png(days, since, 7).expect(name);
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name}");
            let img = image::load_from_memory(&png).expect(name).to_rgb8();
            assert_eq!(img.dimensions(), SIZE, "{name}");
            let blue = img.pixels().filter(|p| p.0 == [0x34, 0x98, 0xdb]).count();
            assert_eq!(blue > 0, !days.is_empty(), "{name}: {blue} blue pixels");
        }
    }
}
