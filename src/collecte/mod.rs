//! The annual evaluation round (`clsm collecte`): one workbook per porteur to fill
//! in, and the values of the returned workbooks written back into the fiches.

pub mod edit;
pub mod form;
pub mod import;
pub mod plan;
pub mod read;
pub mod workbook;
