//! A small PDF 1.4 document: catalog, page tree, one page with a text content
//! stream, optionally an embedded JPEG image (DCTDecode), and a correct
//! cross-reference table (ISO 32000-1, section 7.5).

use crate::rng::Rng;
use crate::words;

/// A PDF with `paragraphs` lines of text and, if given, `jpeg` as an image
/// XObject. Returns the bytes and the offset of the JPEG inside them.
pub fn encode(rng: &mut Rng, paragraphs: usize, jpeg: Option<&[u8]>) -> (Vec<u8>, Option<usize>) {
    let mut content = String::from("BT /F1 11 Tf 50 780 Td 14 TL\n");
    for _ in 0..paragraphs {
        content.push_str(&format!("({}) '\n", words::sentence(rng, 12)));
    }
    content.push_str("ET\n");
    if jpeg.is_some() {
        content.push_str("q 200 0 0 150 50 300 cm /Im1 Do Q\n");
    }
    let resources = if jpeg.is_some() {
        "<< /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >>"
    } else {
        "<< /Font << /F1 5 0 R >> >>"
    };
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources {resources} /Contents 4 0 R >>")
            .into_bytes(),
        format!("<< /Length {} >>\nstream\n{content}endstream", content.len()).into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let mut jpeg_in_object = None;
    if let Some(jpeg) = jpeg {
        let mut object = format!(
            "<< /Type /XObject /Subtype /Image /Width 8 /Height 8 /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
            jpeg.len()
        )
        .into_bytes();
        jpeg_in_object = Some(object.len());
        object.extend_from_slice(jpeg);
        object.extend_from_slice(b"\nendstream");
        objects.push(object);
    }
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    let mut jpeg_offset = None;
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        let head = format!("{} 0 obj\n", i + 1);
        out.extend_from_slice(head.as_bytes());
        if i == 5 {
            jpeg_offset = jpeg_in_object.map(|inner| out.len() + inner);
        }
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref_offset = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_offset}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    (out, jpeg_offset)
}
