"""Tests of the OCR stage with the real PP-OCR models (no mocks)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont
from pydantic import ValidationError

import ocr
from ocr.engine import REC_MODEL, OcrEngine, OnnxModel, load_model, models_dir

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "s01_jishishan_2021.pdf"
SANS = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
SERIF = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
DPI = 200


def px(pt: float) -> int:
    return int(round(pt / 72 * DPI))


def render(text: str, *, font: str = SANS, size: int = px(10.5), pad: int = 8,
           box: tuple[int, int] | None = None, border: int = 0) -> np.ndarray:
    """(H, W) uint8 grey crop with ``text`` centred; optional black border of
    ``border`` px (ruling-line remnants of a cell cut between its lines)."""
    f = ImageFont.truetype(font, size)
    l, t, r, b = f.getbbox(text)
    w, h = box or (r - l + 2 * pad, b - t + 2 * pad)
    im = Image.new("L", (w, h), 255)
    ImageDraw.Draw(im).text(((w - (r - l)) // 2 - l, (h - (b - t)) // 2 - t), text, font=f, fill=0)
    a = np.array(im)
    if border:
        a[:, :border] = a[:, -border:] = 0
        a[:border, :] = a[-border:, :] = 0
    return a


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return OcrEngine(ocr.OcrSettings())


def _sample_pages(dpi: float, count: int) -> list[np.ndarray]:
    """The first ``count`` pages of the s01 sample rendered at ``dpi``, BGR."""
    if not SAMPLE.exists():
        pytest.skip(f"{SAMPLE.name} not generated yet")
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(SAMPLE))
    pages = [np.array(doc[i].render(scale=dpi / 72).to_pil().convert("RGB"))[:, :, ::-1].copy()
             for i in range(count)]
    doc.close()
    return pages


@pytest.fixture(scope="module")
def sample_pages() -> list[np.ndarray]:
    return _sample_pages(DPI, 2)


# --- settings ---------------------------------------------------------------

def test_settings_defaults_and_validation():
    s = ocr.OcrSettings()
    assert (s.intra_op_threads, s.inter_op_threads, s.rec_image_height) == (2, 1, 48)
    with pytest.raises(ValidationError):
        ocr.OcrSettings(intra_op_threads=0)
    with pytest.raises(ValidationError, match="det_box_thresh"):
        ocr.OcrSettings(det_box_thresh=1.5)
    with pytest.raises(ValidationError):
        ocr.OcrSettings(no_such_field=1)
    with pytest.raises(ValidationError, match="rec_image_width"):
        ocr.OcrSettings(rec_image_width=20)
    with pytest.raises(ValidationError):
        s.rec_batch_size = 3  # frozen
    assert hash(s) == hash(ocr.OcrSettings())


# --- engine -------------------------------------------------------------------

def test_models_load_once_and_dictionary_from_metadata(engine):
    rec = engine.recognizer
    assert rec is engine.recognizer
    other = OcrEngine(ocr.OcrSettings())
    assert other.recognizer.model.session is rec.model.session
    assert load_model(REC_MODEL, 2, 1, False, False) is rec.model  # arena off by default
    chars = rec.model.character_list()
    assert len(chars) == 6623 and "政" in chars and "１" in chars
    assert rec.model.session.get_providers() == ["CPUExecutionProvider"]
    opts = rec.model.session.get_session_options()
    assert (opts.intra_op_num_threads, opts.inter_op_num_threads) == (2, 1)
    assert opts.get_session_config_entry("session.intra_op.allow_spinning") == "0"
    assert not opts.enable_cpu_mem_arena  # OcrSettings.memory_arena
    assert (models_dir() / REC_MODEL).is_file()


def test_missing_model_path_raises(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.onnx"):
        OnnxModel(tmp_path / "nope.onnx")


# --- recognition ------------------------------------------------------------

NUMBERS = ["0", "914", "534.865", "-10", "１２", "7", "20"]
LABELS = ["本年新收政府信息公开申请数量", "属于行政查询事项", "合计"]


@pytest.mark.parametrize("font", [SANS, SERIF])
def test_numbers_and_labels_read_exactly(engine, font):
    texts = NUMBERS + LABELS
    crops = [ocr.trim_to_ink(render(t, font=font)) for t in texts]
    got = engine.recognizer.recognize(crops)
    # Full-width digits come back as ASCII digits (the glyphs are the same);
    # compare after NFKC, as mapping does.
    assert [nfkc(r.text) for r in got] == [nfkc(t) for t in texts]
    assert all(0.8 < r.confidence <= 1.0 for r in got)


def test_bordered_cells_need_trimming(engine):
    """Whole-cell crops with ruling-line remnants: trimmed crops read right."""
    texts = ["0", "1", "914", "-10", "534.865", "属于行政查询事项"]
    cells = [render(t, box=(px(100) if len(t) < 8 else px(170), px(22)), border=3) for t in texts]
    trimmed = [ocr.trim_to_ink(c) for c in cells]
    assert [r.text for r in engine.recognize(trimmed)] == texts
    for t in trimmed:  # remnants are gone: no dark pixel on the crop's edges
        g = cv2.cvtColor(t, cv2.COLOR_BGR2GRAY)
        assert min(g[0].min(), g[-1].min(), g[:, 0].min(), g[:, -1].min()) > 200


def test_trim_to_ink_blank_and_shape():
    blank = np.full((40, 120), 245, np.uint8)
    blank[:, :2] = 0  # only a line remnant: still an empty cell
    assert ocr.trim_to_ink(blank) is None
    assert ocr.ink_box(np.full((40, 120), 255, np.uint8)) is None
    crop = render("914", box=(200, 60))
    x0, y0, x1, y1 = ocr.ink_box(crop)
    out = ocr.trim_to_ink(crop, ocr.OcrSettings(crop_margin=0.5))
    m = round(0.5 * (y1 - y0))
    assert out.shape == (y1 - y0 + 2 * m, x1 - x0 + 2 * m, 3)


def test_batch_results_in_input_order_and_match_rapidocr(engine):
    texts = ["0", "本年新收政府信息公开申请数量", "914", "属于行政查询事项", "-10", "合计",
             "534.865", "2", "行政许可", "38", "其他", "5"]
    crops = [cv2.cvtColor(render(t), cv2.COLOR_GRAY2BGR) for t in texts]
    # RapidOCR's own input width and plain argmax scores, to compare like with like.
    small_batches = OcrEngine(ocr.OcrSettings(rec_batch_size=3, rec_image_width=320,
                                              look_alike_groups=()))
    got = small_batches.recognize(crops)
    assert [r.text for r in got] == texts

    from rapidocr_onnxruntime.ch_ppocr_rec import TextRecognizer

    ref, _ = TextRecognizer({
        "model_path": str(models_dir() / REC_MODEL), "rec_batch_num": 3,
        "rec_img_shape": [3, 48, 320], "intra_op_num_threads": 2, "inter_op_num_threads": 1,
    })(crops)
    assert [r.text for r in got] == [t.strip() for t, _ in ref]
    assert np.allclose([r.confidence for r in got], [s for _, s in ref], atol=1e-5)


def test_look_alike_groups_score_a_zero_split_between_0_and_O():
    """A (N, T, C) output whose one character is 0.55 '0' and 0.40 'O'."""
    from ocr.recognize import CtcDecoder

    chars = ["0", "O", "1"]
    probs = np.zeros((1, 3, len(chars) + 2), np.float32)  # blank + chars + space
    probs[0, :, 0] = 1.0
    probs[0, 1, :] = [0.05, 0.55, 0.40, 0.0, 0.0]
    plain = CtcDecoder(chars)(probs)[0]
    grouped = CtcDecoder(chars, ("0O",))(probs)[0]
    assert plain.text == grouped.text == "0"
    assert plain.confidence == pytest.approx(0.55)
    assert grouped.confidence == pytest.approx(0.95)


def test_grey_bgr_bgra_and_empty_crops(engine):
    g = render("914")
    bgr = cv2.cvtColor(g, cv2.COLOR_GRAY2BGR)
    bgra = cv2.cvtColor(g, cv2.COLOR_GRAY2BGRA)
    empty = np.zeros((0, 10), np.uint8)
    res = engine.recognize([g, empty, bgr, bgra, g[:, :, None], None])
    assert res[1] == res[5] == ocr.Recognition("", 0.0)
    assert {r.text for i, r in enumerate(res) if i not in (1, 5)} == {"914"}
    assert engine.recognize([]) == []
    with pytest.raises(TypeError, match="uint8"):
        engine.recognize([g.astype(np.float32)])


# --- direction classifier -------------------------------------------------------

def test_classifier_detects_upside_down_lines(engine):
    lines = ["本年新收政府信息公开申请数量", "属于行政查询事项", "2021年，县卫生健康局严格按照",
             "政府信息公开工作相关文件要求", "第二十条第（一）项"]
    upright = [cv2.cvtColor(render(t, size=px(12)), cv2.COLOR_GRAY2BGR) for t in lines]
    flipped = [cv2.rotate(c, cv2.ROTATE_180) for c in upright]
    dirs = engine.classifier.classify(upright + flipped)
    assert [d.angle for d in dirs] == [0] * 5 + [180] * 5
    assert ocr.is_upside_down(flipped, engine=engine)
    assert not ocr.is_upside_down(upright, engine=engine)
    vote = ocr.orientation(flipped + upright[:1], engine=engine)
    assert vote.upside_down and vote.votes_180 == 5 and 0.5 < vote.confidence <= 1
    assert ocr.orientation([], engine=engine) == ocr.OrientationVote(False, 0.0, 0, 0)


# --- detection + free text ------------------------------------------------------

def _synthetic_page() -> tuple[np.ndarray, str]:
    w, h = int(210 / 25.4 * DPI), int(297 / 25.4 * DPI)
    im = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(im)
    title = "某某市人民政府办公室2023年政府信息公开工作年度报告"
    ft = ImageFont.truetype(SERIF, px(16))
    d.text((px(60), px(72)), title, font=ft, fill=0)
    fb = ImageFont.truetype(SANS, px(11))
    d.text((px(72), px(140)), "一、总体情况", font=fb, fill=0)
    d.text((px(72), px(170)), "本报告根据《中华人民共和国政府信息公开条例》编制。", font=fb, fill=0)
    return np.array(im), title


def test_read_text_finds_title_in_reading_order(engine):
    page, title = _synthetic_page()
    lines = ocr.read_text(page, engine=engine)
    texts = [ln.text for ln in lines]
    assert texts[0] == title
    assert texts[1:] == ["一、总体情况", "本报告根据《中华人民共和国政府信息公开条例》编制。"]
    x0, y0, x1, y1 = lines[0].bbox
    assert abs(y0 - px(72)) < px(16) and x0 < px(70) and x1 > page.shape[1] // 2
    boxes = engine.detect(page)
    assert [b.bbox for b in boxes] == [ln.bbox for ln in lines]
    assert all(0.5 <= b.score <= 1 for b in boxes)
    mask = np.ones(page.shape, bool)
    mask[: px(120)] = False  # hide the title
    assert [ln.text for ln in ocr.read_text(page, mask, engine=engine)] == texts[1:]


def test_read_text_on_scanned_sample(engine, sample_pages):
    page = sample_pages[0]
    top = page[: page.shape[0] // 3]
    lines = engine.read_text(top)
    texts = [ln.text for ln in lines]
    assert texts[0] == "积石山县卫生健康局2021年政府信息公开工作年"
    assert texts[1] == "度报告"
    assert lines[0].bbox[1] < lines[1].bbox[1]
    assert any("总体情况" in t for t in texts)


@pytest.mark.parametrize("dpi", [200, 300])
def test_read_text_detected_on_a_reduced_image(engine, dpi):
    """Lines found on the scan reduced to 120 dpi (the pipeline's ``detect_dpi``)
    read as on the full image: their boxes, scaled back, frame the same lines
    as the full detection's, and recognition cuts them from the full image."""
    page, = _sample_pages(dpi, 1)
    top = page[: page.shape[0] // 3]
    full = engine.read_text(top)
    reduced = engine.read_text(top, detect_scale=120 / dpi)
    assert len(full) >= 3
    assert [ln.text for ln in reduced] == [ln.text for ln in full]
    for a, b in zip(reduced, full):
        (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a.bbox, b.bbox
        inter = max(0, min(ax1, bx1) - max(ax0, bx0)) * max(0, min(ay1, by1) - max(ay0, by0))
        union = (ax1 - ax0) * (ay1 - ay0) + (bx1 - bx0) * (by1 - by0) - inter
        assert inter / union >= 0.8, (a, b)
    # the boxes scaled back stay inside the image
    assert all(0 <= x0 < x1 <= top.shape[1] and 0 <= y0 < y1 <= top.shape[0]
               for x0, y0, x1, y1 in (ln.bbox for ln in reduced))


def test_upside_down_sample_page(engine, sample_pages):
    page = sample_pages[0][: sample_pages[0].shape[0] // 2]
    assert not ocr.is_upside_down(ocr.line_crops(page, engine=engine), engine=engine)
    flipped = cv2.rotate(page, cv2.ROTATE_180)
    vote = ocr.orientation(ocr.line_crops(flipped, engine=engine), engine=engine)
    assert vote.upside_down and vote.votes_180 >= 5 and vote.votes_0 <= 1


def test_sample_table_cells(engine, sample_pages):
    """Cells of page 2 cut between (and including) their ruling lines."""
    page = sample_pages[1]
    cells = {
        (216, 555, 761, 612): "一、本年新收政府信息公开申请数量",
        (460, 1400, 761, 1457): "8.属于行政查询事项",
        (760, 555, 858, 612): "0",
        (1340, 1400, 1439, 1457): "0",
    }
    crops = [ocr.trim_to_ink(page[y0:y1, x0:x1]) for (x0, y0, x1, y1) in cells]
    assert all(c is not None for c in crops)
    assert [r.text for r in engine.recognize(crops)] == list(cells.values())
