//! Reviewing submissions: the pure rules that the reviewer workspace builds on.

pub mod agreement;
pub mod scoring;
pub mod turnaround;
