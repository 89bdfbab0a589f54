//! sea-orm entities, one module per table. Server only.

pub mod cohorts;
pub mod programs;
