//! placeholder2
use super::{Contents, ScenarioOptions};
use crate::error::Result;
use crate::rng::Rng;
use crate::sink::ImageSink;
pub fn build(_o: &ScenarioOptions, _r: &mut Rng, _s: &mut ImageSink) -> Result<Contents> {
    Ok(Contents::default())
}
