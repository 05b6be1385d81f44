//! chibo: consolidates the monthly reports of residential party cell meetings attended by
//! provincial committee members (SPEC.md). Data flows one way: read → normalize →
//! reconcile → report; only the ends touch files and the network.

pub mod config;
pub mod diagnostic;
pub mod ingest;
pub mod model;
pub mod output;
pub mod roster;
pub mod text;
