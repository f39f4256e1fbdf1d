//! When to try again after a transient failure.

use crate::error::Error;

/// The first pause; each later one doubles, up to [`MAX_PAUSE_MS`].
const FIRST_PAUSE_MS: f64 = 100.0;
const MAX_PAUSE_MS: f64 = 3_000.0;

/// The pause before retry number `attempt` (0-based), given `random` in `[0, 1)`.
///
/// Exponential with "equal jitter": half the step is fixed, half random, so many
/// clients failing at once do not come back in lockstep.
pub fn pause_ms(attempt: u32, random: f64) -> f64 {
    let step = (FIRST_PAUSE_MS * 2f64.powi(attempt.min(16) as i32)).min(MAX_PAUSE_MS);
    let random = if random.is_finite() { random.clamp(0.0, 1.0) } else { 0.5 };
    step / 2.0 + step / 2.0 * random
}

/// The pause before attempt `attempt + 1`, if `error` is worth another one
/// and the `retries` policy allows it; `random` is only called then.
pub fn pause_after(error: &Error, attempt: u32, retries: u32, random: impl FnOnce() -> f64) -> Option<f64> {
    (error.retryable() && attempt < retries).then(|| pause_ms(attempt, random()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_with_jitter_and_a_cap() {
        assert_eq!(pause_ms(0, 0.0), 50.0);
        assert_eq!(pause_ms(0, 1.0), 100.0);
        assert_eq!(pause_ms(1, 0.5), 150.0);
        assert_eq!(pause_ms(3, 0.0), 400.0);
        assert_eq!(pause_ms(30, 1.0), MAX_PAUSE_MS);
        assert_eq!(pause_ms(2, f64::NAN), pause_ms(2, 0.5));
    }
}
