"""Unit normalisation: the written variants, every unit string of the five plans, collectiveness,
scope, the SKOS scheme of kinds, and the unit triples."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import RDF, SKOS

from ingest.emit_units import unit_label, unit_locality, unit_triples, units_scheme_graph
from ingest.localities import locality_by_key, resolve_locality
from ingest.text import fold
from ingest.units import UnitRef, normalize_unit, scheme_graph, split_units, unit_kinds
from ontology.iris import locality_iri, unit_iri, unit_kind_iri
from ontology.namespaces import PK

PLANS = Path(__file__).resolve().parents[2] / "data" / "plans"
LEVELS = {"tinh", "huyen", "xa", "trung-uong"}


def kinds(raw: str, plan_level: str) -> tuple[str, ...]:
    return tuple(ref.kind_key for ref in normalize_unit(raw, plan_level))


# The written variants the plans use for one body (plan level, mention, expected kinds).
VARIANTS = [
    ("tinh", "Sở TN&MT", ("so-tai-nguyen-moi-truong",)),
    ("tinh", "Sở TNMT", ("so-tai-nguyen-moi-truong",)),
    ("tinh", "Sở TN-MT", ("so-tai-nguyen-moi-truong",)),
    ("tinh", "Sở Tài nguyên và Môi trường", ("so-tai-nguyen-moi-truong",)),
    ("tinh", "Sở Tài nguyên Môi trường", ("so-tai-nguyen-moi-truong",)),
    ("huyen", "phòng Tài Nguyên - Môi trường thành phố", ("phong-tai-nguyen-moi-truong",)),
    ("tinh", "Sở Thông tin & Truyền thông", ("so-thong-tin-truyen-thong",)),
    ("tinh", "Sở TT&TT", ("so-thong-tin-truyen-thong",)),
    ("tinh", "Sở Thông tin và Truyền thông", ("so-thong-tin-truyen-thong",)),
    ("tinh", "UBND cấp xã", ("ubnd-xa",)),
    ("huyen", "UBND các phường, xã", ("ubnd-xa",)),
    ("huyen", "Chủ tịch UBND các phường, xã", ("chu-tich-ubnd-xa",)),
    ("xa", "Công chức VP-TK xã", ("cong-chuc-van-phong-thong-ke",)),
    ("xa", "Công chức Văn phòng - Thống kê xã", ("cong-chuc-van-phong-thong-ke",)),
    ("xa", "Công chức VP- TK xã", ("cong-chuc-van-phong-thong-ke",)),
    ("xa", "Ủy ban MTTQ xã", ("mttq-xa",)),
    ("xa", "UB MTTQ xã", ("mttq-xa",)),
    ("xa", "Ủy ban Mặt trận Tổ quốc Việt Nam xã", ("mttq-xa",)),
    ("huyen", "Văn phòng HĐND và UBND thành phố", ("van-phong-hdnd-ubnd-huyen",)),
    ("tinh", "Thanh tra tỉnh", ("thanh-tra-tinh",)),
    ("xa", "Công an xã", ("cong-an-xa",)),
    ("xa", "Đài truyền thanh xã", ("dai-truyen-thanh-xa",)),
    ("xa", "Trạm y tế xã", ("tram-y-te-xa",)),
    ("tinh", "Bảo hiểm xã hội tỉnh", ("bao-hiem-xa-hoi-tinh",)),
    ("tinh", "BHXH tỉnh", ("bao-hiem-xa-hoi-tinh",)),
    ("tinh", "Sở Thương Công", ("so-cong-thuong",)),
    ("tinh", "Sở Công thương", ("so-cong-thuong",)),
    ("xa", "Công chức Tư pháp xã", ("cong-chuc-tu-phap",)),
    ("tinh", "UBND cấp huyện, cấp xã", ("ubnd-huyen", "ubnd-xa")),
    ("tinh", "Sở Nội vụ, Sở Thông tin & Truyền thông", ("so-noi-vu", "so-thong-tin-truyen-thong")),
    ("tinh", "các sở, ban, ngành", ("so-ban-nganh",)),
    ("tinh", "Bộ Nội vụ", ("bo-noi-vu",)),
    ("tinh", "Chính phủ", ("chinh-phu",)),
    ("xa", "Phòng Tài chính KH huyện", ("phong-tai-chinh-ke-hoach",)),
    ("xa", "Thanh tra huyện", ("thanh-tra-huyen",)),
    ("xa", "Phòng Nội vụ", ("phong-noi-vu",)),
    ("tinh", "Báo Hưng Yên", ("bao-tinh",)),
    ("tinh", "Ủy ban MTTQ Việt Nam tỉnh Lào Cai", ("mttq-tinh",)),
    ("tinh", "UBND thành phố", ("ubnd-tinh",)),  # the plan of a centrally-run city
    ("huyen", "UBND thành phố", ("ubnd-huyen",)),
    ("huyen", "Thủ trưởng các phòng, ban, ngành", ("phong-ban-huyen",)),
    ("huyen", "Đề nghị Ban Tuyên giáo Thành ủy", ("ban-tuyen-giao-huyen-uy",)),
]


@pytest.mark.parametrize(("plan_level", "raw", "expected"), VARIANTS)
def test_written_variants_map_to_one_kind(plan_level: str, raw: str, expected: tuple) -> None:
    assert kinds(raw, plan_level) == expected


# Every unit string of the five plans: the unit columns of the appendix tables (as the cells
# read, shifted cells and page-break fragments included) and the headings of "TỔ CHỨC THỰC HIỆN"
# (Bắc Giang's are OCR text without diacritics).
# fmt: off
PLAN_MENTIONS = [
    # gia-nghia-2024.txt: huyen
    ("huyen", "Phòng Tư pháp; Chủ tịch UBND phường, xã", ("phong-tu-phap", "chu-tich-ubnd-xa")),
    ("huyen", "Phòng Tư pháp", ("phong-tu-phap",)),
    ("huyen", "Chủ tịch UBND phường, xã", ("chu-tich-ubnd-xa",)),
    ("huyen", "Chủ tịch UBND phường, xã; Chủ tịch Ủy ban MTTQVN phường, xã", ("chu-tich-ubnd-xa", "chu-tich-mttq-xa")),
    ("huyen", "Chủ tịch UBND phường, xã; Chủ tịch Ủy ban MTTQ Việt Nam phường, xã", ("chu-tich-ubnd-xa", "chu-tich-mttq-xa")),
    ("huyen", "Phòng Tài chính – Kế hoạch thành phố; Chủ tịch UBND các phường, xã", ("phong-tai-chinh-ke-hoach", "chu-tich-ubnd-xa")),
    ("huyen", "Phòng Tài chính - Kế hoạch thành phố", ("phong-tai-chinh-ke-hoach",)),
    ("huyen", "Các cơ quan, đơn vị, UBND các phường, xã", ("co-quan-don-vi", "ubnd-xa")),
    ("huyen", "Chủ tịch UBND các phường, xã", ("chu-tich-ubnd-xa",)),
    ("huyen", "Phòng Lao động - Thương binh và Xã hội thành phố", ("phong-lao-dong-thuong-binh-xa-hoi",)),
    ("huyen", "Phòng Tài Nguyên - Môi trường thành phố; Chủ tịch UBND cấp xã", ("phong-tai-nguyen-moi-truong", "chu-tich-ubnd-xa")),
    ("huyen", "Phòng Tài chính - Kế hoạch thành phố, phòng Tài nguyên và Môi trường thành phố; phòng Quản lý đô thị thành phố", ("phong-tai-chinh-ke-hoach", "phong-tai-nguyen-moi-truong", "phong-quan-ly-do-thi")),
    ("huyen", "Văn phòng HĐND và UBND thành phố; Chủ tịch UBND các phường, xã", ("van-phong-hdnd-ubnd-huyen", "chu-tich-ubnd-xa")),
    ("huyen", "Thanh tra thành phố", ("thanh-tra-huyen",)),
    ("huyen", "Chủ tịch UBND thành phố; Chủ tịch UBND các phường, xã", ("chu-tich-ubnd-huyen", "chu-tich-ubnd-xa")),
    ("huyen", "Thanh tra thành phố; Phòng Nội vụ", ("thanh-tra-huyen", "phong-noi-vu")),
    ("huyen", "Phòng Tư pháp thành phố; Chủ tịch UBND các phường, xã", ("phong-tu-phap", "chu-tich-ubnd-xa")),
    ("huyen", "Chủ tịch UBND các phường, xã; Chủ tịch Ủy ban MTTQ Việt Nam phường, xã", ("chu-tich-ubnd-xa", "chu-tich-mttq-xa")),
    ("huyen", "Phòng Tư pháp, Ủy ban MTTQ Việt Nam thành phố", ("phong-tu-phap", "mttq-huyen")),
    ("huyen", "Thủ trưởng các phòng, ban, ngành; Chủ tịch UBND các phường, xã", ("phong-ban-huyen", "chu-tich-ubnd-xa")),
    ("huyen", "Văn phòng HĐND và UBND thành phố; Phòng Nội vụ;", ("van-phong-hdnd-ubnd-huyen", "phong-noi-vu")),
    ("huyen", "Phòng Y tế, phòng Giáo dục và Đào tạo thành phố; Thanh tra thành phố", ("phong-y-te", "phong-giao-duc-dao-tao", "thanh-tra-huyen")),
    ("huyen", "Phòng Nội vụ thành phố", ("phong-noi-vu",)),
    ("huyen", "Thủ trưởng các phòng ban, ngành; Chủ tịch UBND các phường, xã", ("phong-ban-huyen", "chu-tich-ubnd-xa")),
    ("huyen", "Văn phòng HĐND và UBND thành phố; Chủ tịch UBND phường, xã", ("van-phong-hdnd-ubnd-huyen", "chu-tich-ubnd-xa")),
    ("huyen", "Văn phòng HĐND và UBND thành phố", ("van-phong-hdnd-ubnd-huyen",)),
    ("huyen", "Văn phòng HĐND và UBND thành phố; phòng", ("van-phong-hdnd-ubnd-huyen",)),
    ("huyen", "Văn phòng HĐND và UBND thành phố; Phòng Nội vụ thành", ("van-phong-hdnd-ubnd-huyen", "phong-noi-vu")),
    ("huyen", "Nội vụ thành phố; Chủ tịch UBND phường, xã", ("phong-noi-vu", "chu-tich-ubnd-xa")),
    ("huyen", "Văn phòng HĐND và UBND thành phố;", ("van-phong-hdnd-ubnd-huyen",)),
    ("huyen", "Phòng Tài nguyên và Môi trường; Chủ tịch UBND các phường, xã", ("phong-tai-nguyen-moi-truong", "chu-tich-ubnd-xa")),
    ("huyen", "Văn phòng HĐND và UBND thành phố; phòng Tài Nguyên - Môi trường thành phố", ("van-phong-hdnd-ubnd-huyen", "phong-tai-nguyen-moi-truong")),
    ("huyen", "Chủ tịch UBND các phường, xã; Trung tâm Y tế thành phố; Trạm trưởng Trạm Y tế các phường, xã", ("chu-tich-ubnd-xa", "trung-tam-y-te-huyen", "tram-y-te-xa")),
    ("huyen", "Phòng Y tế", ("phong-y-te",)),
    ("huyen", "Phòng Giáo dục và Đào tạo thành phố", ("phong-giao-duc-dao-tao",)),
    ("huyen", "Phòng Quản lý đô thị thành phố; Phòn Kinh tế thành phố; Phòng Tài nguyên - Môi trường thành phố; Chủ tịch UBND các phường, xã", ("phong-quan-ly-do-thi", "phong-kinh-te", "phong-tai-nguyen-moi-truong", "chu-tich-ubnd-xa")),
    ("huyen", "Phòng Quản lý đô thị thành phố; Phòn Kinh tế thành phố; Phòng Tài nguyên - Môi trường thành phố", ("phong-quan-ly-do-thi", "phong-kinh-te", "phong-tai-nguyen-moi-truong")),
    ("huyen", "Công an thành phố; Chủ tịch UBND các phường, xã", ("cong-an-huyen", "chu-tich-ubnd-xa")),
    ("huyen", "Trưởng Công an thành phố", ("cong-an-huyen",)),
    ("huyen", "Phòng Tài nguyên – Môi trường; Chủ tịch UBND các phường, xã", ("phong-tai-nguyen-moi-truong", "chu-tich-ubnd-xa")),
    ("huyen", "Phòng Tài nguyên và Môi trường", ("phong-tai-nguyen-moi-truong",)),
    ("huyen", "Phòng Quản lý đô thị thành phố; Chủ tịch UBND các phường, xã", ("phong-quan-ly-do-thi", "chu-tich-ubnd-xa")),
    ("huyen", "Phòng Quản lý đô thị thành phố;", ("phong-quan-ly-do-thi",)),
    ("huyen", "Các cơ quan, đơn vị; Chủ tịch UBND các phường, xã", ("co-quan-don-vi", "chu-tich-ubnd-xa")),
    ("huyen", "Phòng Văn hóa - Thông tin thành phố; Văn phòng HĐND và UBND thành phố", ("phong-van-hoa-thong-tin", "van-phong-hdnd-ubnd-huyen")),
    ("huyen", "Các phòng, ban; Chủ tịch UBND các phường, xã", ("phong-ban-huyen", "chu-tich-ubnd-xa")),
    ("huyen", "Phòng văn hóa - Thông tin thành phố; Trung tâm Văn hóa – Thể thao và Truyền thông thành phố", ("phong-van-hoa-thong-tin", "trung-tam-van-hoa-the-thao-truyen-thong-huyen")),
    ("huyen", "Thủ trưởng các cơ quan, đơn vị; Chủ tịch UBND các phường, xã", ("co-quan-don-vi", "chu-tich-ubnd-xa")),
    ("huyen", "Trung tâm Văn hóa - Thể thao và Truyền thông thành phố", ("trung-tam-van-hoa-the-thao-truyen-thong-huyen",)),
    ("huyen", "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam thành phố", ("mttq-huyen",)),
    ("huyen", "Đề nghị Ban Tuyên giáo Thành ủy", ("ban-tuyen-giao-huyen-uy",)),
    ("huyen", "Đề nghị Ban Dân vận Thành ủy", ("ban-dan-van-huyen-uy",)),
    ("huyen", "Thủ trưởng các cơ quan chuyên môn: Phòng Nội vụ, phòng Y tế, Trung Tâm Văn hóa - Thể thao và Truyền thông, phòng Tài chính - Kế hoạch; phòng Quản lý đô thị, phòng Lao động - Thương binh và Xã hội, phòng Tư pháp, phòng Giáo dục và Đào tạo, phòng Tài nguyên và Môi trường, Thanh tra thành phố, Công an thành phố, Văn phòng HĐND và UBND thành phố.", ("phong-noi-vu", "phong-y-te", "trung-tam-van-hoa-the-thao-truyen-thong-huyen", "phong-tai-chinh-ke-hoach", "phong-quan-ly-do-thi", "phong-lao-dong-thuong-binh-xa-hoi", "phong-tu-phap", "phong-giao-duc-dao-tao", "phong-tai-nguyen-moi-truong", "thanh-tra-huyen", "cong-an-huyen", "van-phong-hdnd-ubnd-huyen")),
    # hung-yen-2021.txt: tinh
    ("tinh", "Sở Nội vụ, Sở Thông tin & Truyền thông; UBND cấp huyện, cấp xã", ("so-noi-vu", "so-thong-tin-truyen-thong", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Sở Nội vụ, UBND cấp huyện, cấp xã", ("so-noi-vu", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Sở Nội vụ", ("so-noi-vu",)),
    ("tinh", "Sở Nội vụ; UBND cấp huyện, cấp xã", ("so-noi-vu", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "UBND cấp huyện, cấp xã; thôn, tổ dân phố", ("ubnd-huyen", "ubnd-xa", "thon-to-dan-pho")),
    ("tinh", "UBND cấp huyện, cấp xã", ("ubnd-huyen", "ubnd-xa")),
    ("tinh", "Sở Tư pháp", ("so-tu-phap",)),
    ("tinh", "Các sở, ban, ngành tỉnh; UBND cấp huyện", ("so-ban-nganh", "ubnd-huyen")),
    ("tinh", "Sở Lao động, Thương binh và Xã hội", ("so-lao-dong-thuong-binh-xa-hoi",)),
    ("tinh", "Sở Tài chính", ("so-tai-chinh",)),
    ("tinh", "Sở Tài nguyên và Môi trường", ("so-tai-nguyen-moi-truong",)),
    ("tinh", "Sở TNMT; UBND cấp huyện, cấp xã", ("so-tai-nguyen-moi-truong", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Sở Nội vụ Thanh tra tỉnh", ("so-noi-vu", "thanh-tra-tinh")),
    ("tinh", "Thanh tra tỉnh", ("thanh-tra-tinh",)),
    ("tinh", "Thanh tra các sở; UBND cấp huyện, UBND cấp xã", ("thanh-tra-so", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Sở Tư pháp; UBND cấp huyện, UBND cấp xã", ("so-tu-phap", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Thanh tra tỉnh; Sở TN&MT; Sở Tài chính; Sở Xây dựng; VPUBND tỉnh; UBND cấp huyện", ("thanh-tra-tinh", "so-tai-nguyen-moi-truong", "so-tai-chinh", "so-xay-dung", "van-phong-ubnd-tinh", "ubnd-huyen")),
    ("tinh", "Sở Y tế", ("so-y-te",)),
    ("tinh", "Thanh tra Sở Y tế; các đơn vị trực thuộc Sở", ("thanh-tra-so-y-te", "don-vi-truc-thuoc-so")),
    ("tinh", "Sở Giáo dục và Đào tạo", ("so-giao-duc-dao-tao",)),
    ("tinh", "Thanh tra Sở GD&ĐT; UBND cấp huyện.", ("thanh-tra-so-giao-duc-dao-tao", "ubnd-huyen")),
    ("tinh", "Sở Nội vụ; Thanh tra tỉnh; các cơ quan, đơn vị có thẩm quyền tuyển dụng", ("so-noi-vu", "thanh-tra-tinh", "co-quan-don-vi")),
    ("tinh", "Thanh tra tỉnh; các sở, ngành, đơn vị thuộc tỉnh; UBND cấp huyện, cấp xã", ("thanh-tra-tinh", "so-ban-nganh", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Văn phòng UBND tỉnh", ("van-phong-ubnd-tinh",)),
    ("tinh", "Các sở, ban, ngành thuộc UBND tỉnh; UBND cấp huyện và các cơ quan chuyên môn thuộc UBND cấp huyện; UBND cấp xã trên địa bàn tỉnh", ("so-ban-nganh", "ubnd-huyen", "phong-ban-huyen", "ubnd-xa")),
    ("tinh", "BHXH tỉnh; Sở Y tế", ("bao-hiem-xa-hoi-tinh", "so-y-te")),
    ("tinh", "Sở GD&ĐT, UBND cấp huyện, cấp xã phối hợp với MTTQ và các đoàn thể", ("so-giao-duc-dao-tao", "ubnd-huyen", "ubnd-xa", "mttq-tinh", "doan-the")),
    ("tinh", "Sở Công thương; UBND cấp huyện", ("so-cong-thuong", "ubnd-huyen")),
    ("tinh", "Sở Công thương", ("so-cong-thuong",)),
    ("tinh", "Sở Giao thông vận tải", ("so-giao-thong-van-tai",)),
    ("tinh", "Sở Nông nghiệp và PTNT", ("so-nong-nghiep-phat-trien-nong-thon",)),
    ("tinh", "Sở NN và PTNT; UBND cấp huyện", ("so-nong-nghiep-phat-trien-nong-thon", "ubnd-huyen")),
    ("tinh", "Sở TN&MT; UBND cấp huyện, cấp xã", ("so-tai-nguyen-moi-truong", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Sở TN&MT, UBND cấp huyện, cấp xã", ("so-tai-nguyen-moi-truong", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Sở Thông tin và Truyền thông", ("so-thong-tin-truyen-thong",)),
    ("tinh", "Văn phòng UBND tỉnh, Sở TT&TT", ("van-phong-ubnd-tinh", "so-thong-tin-truyen-thong")),
    ("tinh", "Sở TT&TT; UBND cấp huyện, cấp xã", ("so-thong-tin-truyen-thong", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Các đơn vị được UBND tỉnh giao làm đầu mối tham mưu thực hiện các nhiệm vụ nâng cao hiệu quả quản trị và hành chính công tỉnh", ("co-quan-don-vi",)),
    ("tinh", "Các sở, ban, ngành tỉnh; UBND các huyện, thị xã, thành phố", ("so-ban-nganh", "ubnd-huyen")),
    ("tinh", "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", ("mttq-tinh",)),
    ("tinh", "Sở Thông tin và Truyền thông, Đài Phát thanh và Truyền hình Hưng Yên, Báo Hưng Yên", ("so-thong-tin-truyen-thong", "dai-phat-thanh-truyen-hinh-tinh", "bao-tinh")),
    # lao-cai-2023.txt: tinh
    ("tinh", "UBND huyện", ("ubnd-huyen",)),
    ("tinh", "Đài phát thanh và truyền hình tỉnh; đài phát thanh và truyền hình huyện; Báo Lào Cai; Sở Văn hóa Thể thao và Du lịch, UBND cấp xã...", ("dai-phat-thanh-truyen-hinh-tinh", "dai-truyen-thanh-huyen", "bao-tinh", "so-van-hoa-the-thao-du-lich", "ubnd-xa")),
    ("tinh", "Sở Lao động - Thương binh và Xã hội", ("so-lao-dong-thuong-binh-xa-hoi",)),
    ("tinh", "UBND cấp huyện; UBND cấp xã", ("ubnd-huyen", "ubnd-xa")),
    ("tinh", "UBND cấp xã.", ("ubnd-xa",)),
    ("tinh", "Thanh tra tỉnh", ("thanh-tra-tinh",)),
    ("tinh", "Các sở, ban, ngành; UBND cấp huyện; UBND cấp xã.", ("so-ban-nganh", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Tòa án nhân dân tỉnh", ("toa-an-tinh",)),
    ("tinh", "Sở Tư pháp, Tòa án nhân dân huyện", ("so-tu-phap", "toa-an-huyen")),
    ("tinh", "Văn phòng UBND tỉnh", ("van-phong-ubnd-tinh",)),
    ("tinh", "Trung tâm hành chính công cấp tỉnh; UBND cấp huyện, cấp xã.", ("trung-tam-hanh-chinh-cong-tinh", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Ủy ban MTTQ Việt Nam tỉnh.", ("mttq-tinh",)),
    ("tinh", "Sở Nội vụ", ("so-noi-vu",)),
    ("tinh", "Các sở, ban, ngành; UBND cấp huyện,", ("so-ban-nganh", "ubnd-huyen")),
    ("tinh", "cấp xã", ("ubnd-xa",)),
    ("tinh", "Các sở, ban, ngành; UBND cấp huyện, cấp xã", ("so-ban-nganh", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Các cơ quan, đơn vị từ cấp tỉnh đến cấp xã.", ("co-quan-don-vi",)),
    ("tinh", "Sở Giáo dục và Đào tạo", ("so-giao-duc-dao-tao",)),
    ("tinh", "UBND cấp huyện", ("ubnd-huyen",)),
    ("tinh", "Sở Y tế", ("so-y-te",)),
    ("tinh", "Bệnh viện tỉnh; Trung tâm y tế các huyện, thị xã, thành phố", ("benh-vien-tinh", "trung-tam-y-te-huyen")),
    # a garbled cell (shifted columns): "UBND Trung tâm …" is read as two bodies
    ("tinh", "Văn phòng tỉnh; UBND Trung tâm hành chính công tỉnh; UBND cấp huyện, cấp xã.", ("van-phong-ubnd-tinh", "ubnd-tinh", "trung-tam-hanh-chinh-cong-tinh", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Trung tâm hành chính công cấp huyện, cấp xã.", ("trung-tam-hanh-chinh-cong-huyen", "bo-phan-mot-cua-xa")),
    ("tinh", "Đoàn kiểm tra CCHC của tỉnh", ("doan-kiem-tra-cai-cach-hanh-chinh-tinh",)),
    ("tinh", "UBND cấp huyện, cấp xã.", ("ubnd-huyen", "ubnd-xa")),
    ("tinh", "Sở Giao thông Vận tải – Xây dựng", ("so-giao-thong-van-tai-xay-dung",)),
    ("tinh", "Các cơ quan, đơn vị có liên quan", ("co-quan-don-vi",)),
    ("tinh", "Sở Tài nguyên và Môi trường; UBND cấp huyện", ("so-tai-nguyen-moi-truong", "ubnd-huyen")),
    ("tinh", "Sở Tài nguyên Môi trường; UBND cấp huyện; UBND cấp xã.", ("so-tai-nguyen-moi-truong", "ubnd-huyen", "ubnd-xa")),
    ("tinh", "Bảo hiểm xã hội tỉnh", ("bao-hiem-xa-hoi-tinh",)),
    # the cell is cut at a page break: a bare "UBND cấp" is read as the plan's own UBND
    ("tinh", "UBMTTQ Việt Nam tỉnh Lào Cai; các tổ chức chính trị xã hội, đoàn thể; các sở, ban, ngành; UBND cấp", ("mttq-tinh", "doan-the", "so-ban-nganh", "ubnd-tinh")),
    ("tinh", "Bệnh viện tuyến tỉnh; Trung tâm ý tế các huyện, thị xã, thành phố.", ("benh-vien-tinh", "trung-tam-y-te-huyen")),
    ("tinh", "Các cơ quan, đơn vị liên quan", ("co-quan-don-vi",)),
    ("tinh", "Sở Thương Công", ("so-cong-thuong",)),
    ("tinh", "Điện lực tỉnh", ("dien-luc-tinh",)),
    ("tinh", "Công an tỉnh", ("cong-an-tinh",)),
    ("tinh", "Công an huyện; công an xã", ("cong-an-huyen", "cong-an-xa")),
    ("tinh", "Sở Tài nguyên và Môi trường.", ("so-tai-nguyen-moi-truong",)),
    ("tinh", "Sở Nông nghiệp và Phát triển nông thôn", ("so-nong-nghiep-phat-trien-nong-thon",)),
    ("tinh", "Sở Thông tin và Truyền thông", ("so-thong-tin-truyen-thong",)),
    ("tinh", "Các sở, ban, ngành thuộc tỉnh; UBND cấp huyện", ("so-ban-nganh", "ubnd-huyen")),
    ("tinh", "Sở Thông tin Truyền thông", ("so-thong-tin-truyen-thong",)),
    ("tinh", "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh:", ("mttq-tinh",)),
    ("tinh", "Thủ trưởng các sở, ban, ngành thuộc tỉnh; Chủ tịch UBND các huyện, thị xã, thành phố và Chủ tịch UBND các xã, phường, thị trấn.", ("so-ban-nganh", "chu-tich-ubnd-huyen", "chu-tich-ubnd-xa")),
    ("tinh", "Sở Nội vụ:", ("so-noi-vu",)),
    ("tinh", "Văn phòng UBND tỉnh:", ("van-phong-ubnd-tinh",)),
    ("tinh", "Công an tỉnh:", ("cong-an-tinh",)),
    ("tinh", "Báo Lào Cai; Đài Phát thanh - Truyền hình tỉnh; Cổng Thông tin điện tử tỉnh:", ("bao-tinh", "dai-phat-thanh-truyen-hinh-tinh", "cong-thong-tin-dien-tu-tinh")),
    # trung-trac-2023.txt: xa
    ("xa", "UBND xã", ("ubnd-xa",)),
    ("xa", "Công chức chuyên môn UBND xã; Đài truyền thanh xã", ("cong-chuc-chuyen-mon-xa", "dai-truyen-thanh-xa")),
    ("xa", "Ủy ban Mặt trận tổ quốc và các đoàn thể chính trị", ("mttq-xa", "doan-the")),
    ("xa", "Ban Dân vận Đảng ủy; MTTQ xã; các thôn", ("ban-dan-van-dang-uy-xa", "mttq-xa", "thon-to-dan-pho")),
    ("xa", "Ban Dân vận Đảng ủy; Cán bộ, công chức xã; các thôn", ("ban-dan-van-dang-uy-xa", "can-bo-cong-chuc-xa", "thon-to-dan-pho")),
    ("xa", "Văn phòng UBND xã; Công chức Tài chính - KT xã", ("van-phong-ubnd-xa", "cong-chuc-tai-chinh-ke-toan")),
    ("xa", "Ủy ban MTTQ xã", ("mttq-xa",)),
    ("xa", "Ban Thanh tra nhân dân", ("ban-thanh-tra-nhan-dan",)),
    ("xa", "UBND xã, UB MTTQ xã", ("ubnd-xa", "mttq-xa")),
    ("xa", "Công chức Tư pháp xã", ("cong-chuc-tu-phap",)),
    ("xa", "Công chức VH-XH (LĐTBXH); Các thôn.", ("cong-chuc-van-hoa-xa-hoi", "thon-to-dan-pho")),
    ("xa", "Công chức Tài chính Kế toán xã", ("cong-chuc-tai-chinh-ke-toan",)),
    ("xa", "- Phòng Tài chính KH huyện.   - Ủy ban MTTQ xã, Ban thanh tra nhân dân xã", ("phong-tai-chinh-ke-hoach", "mttq-xa", "ban-thanh-tra-nhan-dan")),
    ("xa", "Công chức Địa chính xã", ("cong-chuc-dia-chinh",)),
    ("xa", "Công chức VP-TK xã; UB MTTQ và các đoàn thể chính trị xã.", ("cong-chuc-van-phong-thong-ke", "mttq-xa", "doan-the")),
    ("xa", "Công chức chuyên môn xã", ("cong-chuc-chuyen-mon-xa",)),
    ("xa", "Cán bộ, công chức liên quan", ("can-bo-cong-chuc-xa",)),
    ("xa", "Công chức chuyên môn UBND xã", ("cong-chuc-chuyen-mon-xa",)),
    ("xa", "Công chức VP- TK xã", ("cong-chuc-van-phong-thong-ke",)),
    ("xa", "Các nhà trường trong xã", ("nha-truong-xa",)),
    ("xa", "Thanh tra huyện", ("thanh-tra-huyen",)),
    ("xa", "Công chức VH-XH xã", ("cong-chuc-van-hoa-xa-hoi",)),
    ("xa", "Các thôn; Trạm y tế xã", ("thon-to-dan-pho", "tram-y-te-xa")),
    ("xa", "Ba nhà trường trong xã", ("nha-truong-xa",)),
    ("xa", "Các nhà trường phối hợp với MTTQ và các đoàn thể", ("nha-truong-xa", "mttq-xa", "doan-the")),
    ("xa", "Công chức Địa chính GTTL", ("cong-chuc-dia-chinh",)),
    ("xa", "Công an xã", ("cong-an-xa",)),
    ("xa", "Công an xã; Các thôn; Đài truyền thanh xã", ("cong-an-xa", "thon-to-dan-pho", "dai-truyen-thanh-xa")),
    ("xa", "Công chức Địa chính xã; các ban ngành đoàn thể xã.", ("cong-chuc-dia-chinh", "doan-the")),
    ("xa", "Công chức Địa chính xã; Các ban ngành đoàn thể xã", ("cong-chuc-dia-chinh", "doan-the")),
    ("xa", "Công chức VP-TK xã", ("cong-chuc-van-phong-thong-ke",)),
    ("xa", "Công chức chuyên môn, Đài truyền thanh xã", ("cong-chuc-chuyen-mon-xa", "dai-truyen-thanh-xa")),
    ("xa", "Công chức VH-XH; Đài truyền thanh xã", ("cong-chuc-van-hoa-xa-hoi", "dai-truyen-thanh-xa")),
    ("xa", "Công chức VP-TK", ("cong-chuc-van-phong-thong-ke",)),
    ("xa", "Công chức Văn phòng - Thống kê xã", ("cong-chuc-van-phong-thong-ke",)),
    ("xa", "Cán bộ, công chức xã", ("can-bo-cong-chuc-xa",)),
    ("xa", "Công chức Văn hóa - xã hội và Đài truyền thanh xã", ("cong-chuc-van-hoa-xa-hoi", "dai-truyen-thanh-xa")),
    ("xa", "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam xã", ("mttq-xa",)),
    # bac-giang-2021.txt: tinh
    ("tinh", "Cac S&, co quan chuyén mon true thugc UBND tinh, UBND cép", ("so-ban-nganh", "ubnd-tinh")),
    ("tinh", "S6 Noi vu", ("so-noi-vu",)),
    ("tinh", "Van phong UBND tinh", ("van-phong-ubnd-tinh",)),
    ("tinh", "Sé Tai chinh", ("so-tai-chinh",)),
    ("tinh", "Sé Giao duc va Pao tao", ("so-giao-duc-dao-tao",)),
    ("tinh", "56 Y té", ("so-y-te",)),
    ("tinh", "S& Tai nguyén va Moi trueong", ("so-tai-nguyen-moi-truong",)),
    ("tinh", "S& Thong tin va Truyén thdng", ("so-thong-tin-truyen-thong",)),
    ("tinh", "Thanh tra tinh", ("thanh-tra-tinh",)),
    ("tinh", "Pé nghi Uy ban Mat tran To qudc Viét Nam tinh chu tri, phéi hop", ("mttq-tinh",)),
    ("tinh", "Pai Phat thanh va Truyén hinh tinh, Bao Bic Giang va cic co", ("dai-phat-thanh-truyen-hinh-tinh", "bao-tinh")),
]
# fmt: on


@pytest.mark.parametrize(("plan_level", "raw", "expected"), PLAN_MENTIONS)
def test_every_unit_string_of_the_five_plans(plan_level: str, raw: str, expected: tuple) -> None:
    assert kinds(raw, plan_level) == expected


def _unit_cells(text: str) -> list[str]:
    """The cells under the unit headers ("Đơn vị …", "Cơ quan …") of tab-separated tables."""
    cells, columns = [], []
    for line in text.splitlines():
        row = line.split("\t")
        folded = [fold(cell) for cell in row]
        if any(cell.startswith(("don vi", "co quan")) for cell in folded):
            columns = [i for i, cell in enumerate(folded) if cell.startswith(("don vi", "co quan"))]
        elif len(row) > 1:
            cells += [row[i] for i in columns if i < len(row) and row[i].strip()]
    return cells


@pytest.mark.parametrize(
    ("name", "plan_level"),
    [
        ("hung-yen-2021", "tinh"),
        ("lao-cai-2023", "tinh"),
        ("gia-nghia-2024", "huyen"),
        ("trung-trac-2023", "xa"),
    ],
)
def test_no_unknown_unit_in_the_unit_columns_of_the_plans(name: str, plan_level: str) -> None:
    cells = _unit_cells((PLANS / f"{name}.txt").read_text(encoding="utf-8"))
    assert len(cells) > 20
    unknown = {
        ref.label
        for cell in cells
        for ref in normalize_unit(cell, plan_level)
        if ref.kind_key.startswith("x-")
    }
    assert not unknown, f"not in units.ttl: {sorted(unknown)}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Cac S&, co quan chuyén mon true thugc UBND tinh, UBND cép huyén, UBND cép x4",
            ("so-ban-nganh", "ubnd-huyen", "ubnd-xa"),
        ),
        (
            "Pé nghi Uy ban Mat tran To qudc Viét Nam tinh chu tri, phéi hop v6i cac s, nganh",
            ("mttq-tinh",),
        ),
        (
            "Pai Phat thanh va Truyén hinh tinh, Bao Bic Giang va cic co quan, don vi ¢o lién quan",
            ("dai-phat-thanh-truyen-hinh-tinh", "bao-tinh", "co-quan-don-vi"),
        ),
    ],
)
def test_ocr_headings_joined_across_line_breaks(raw: str, expected: tuple) -> None:
    assert kinds(raw, "tinh") == expected


@pytest.mark.parametrize(
    ("raw", "plan_level", "collective"),
    [
        ("UBND cấp xã", "tinh", True),
        ("UBND cấp xã", "xa", False),
        ("UBND cấp huyện", "tinh", True),
        ("UBND cấp huyện", "huyen", False),
        ("UBND các phường, xã", "huyen", True),
        ("Ủy ban MTTQ Việt Nam phường, xã", "huyen", True),
        ("các sở, ban, ngành", "tinh", True),
        ("Thanh tra các sở", "tinh", True),
        ("Công an xã", "tinh", True),
        ("Các nhà trường trong xã", "xa", True),
        ("Sở Nội vụ", "tinh", False),
        ("Chủ tịch UBND thành phố", "huyen", False),
        ("Thanh tra huyện", "xa", False),
    ],
)
def test_collective_mentions(raw: str, plan_level: str, collective: bool) -> None:
    [ref] = normalize_unit(raw, plan_level)
    assert ref.collective is collective


@pytest.mark.parametrize(
    ("raw", "plan_level", "scope", "level"),
    [
        ("Sở Nội vụ", "tinh", "plan", "tinh"),
        ("Sở Nội vụ", "huyen", "parent", "tinh"),
        ("Sở Nội vụ", "xa", "parent", "tinh"),
        ("Phòng Tài chính KH huyện", "xa", "parent", "huyen"),
        ("Thanh tra huyện", "xa", "parent", "huyen"),
        ("Phòng Nội vụ", "xa", "parent", "huyen"),
        ("Thanh tra thành phố", "huyen", "plan", "huyen"),
        ("UBND cấp xã", "tinh", "plan", "xa"),
        ("Bộ Nội vụ", "tinh", "national", "trung-uong"),
        ("Chính phủ", "xa", "national", "trung-uong"),
        ("Các cơ quan, đơn vị có liên quan", "tinh", "plan", None),
        ("các đoàn thể chính trị xã", "xa", "plan", "xa"),
    ],
)
def test_scope_and_level(raw: str, plan_level: str, scope: str, level: str | None) -> None:
    [ref] = normalize_unit(raw, plan_level)
    assert (ref.locality_scope, ref.level) == (scope, level)


def test_unknown_units_are_minted_and_warned(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="ingest.units"):
        refs = normalize_unit("Hội Nông dân xã; Sở Nội vụ", "xa")
    assert refs == [
        UnitRef("x-hoi-nong-dan-xa", "Hội Nông dân xã", "xa", False, "plan"),
        UnitRef("so-noi-vu", "Sở Nội vụ", "tinh", False, "parent"),
    ]
    assert "Hội Nông dân xã" in caplog.text


@pytest.mark.parametrize(
    "raw",
    [
        "Thường xuyên",
        "Định kỳ hàng quý",
        "Trong năm 2021",
        "(4)",
        "Báo cáo kết quả thực hiện",
        "Các kế hoạch",
        "cấp",
        "phòng",
        "",
        "  ;  ",
    ],
)
def test_non_units_give_nothing(raw: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="ingest.units"):
        assert normalize_unit(raw, "tinh") == []
    assert (
        raw in ("(4)", "", "  ;  ") or "not a unit" in caplog.text
    )  # a lone "(4)" is cleaned away


@pytest.mark.parametrize(
    ("raw", "pieces"),
    [
        ("UBND cấp huyện, cấp xã", ["UBND cấp huyện", "UBND cấp xã"]),
        (
            "Trung tâm hành chính công cấp huyện, cấp xã.",
            ["Trung tâm hành chính công cấp huyện", "Trung tâm hành chính công cấp xã"],
        ),
        (
            '<ul style="x"><li>- Sở Nội vụ (b/c);</li><li>- UBND cấp xã...</li></ul>',
            ["Sở Nội vụ", "UBND cấp xã"],
        ),
        ("<p>Sở Y tế</p> <p>BHXH tỉnh</p>", ["Sở Y tế", "BHXH tỉnh"]),
        (
            "- Phòng Tài chính KH huyện.   - Ủy ban MTTQ xã, Ban thanh tra nhân dân xã",
            ["Phòng Tài chính KH huyện", "Ủy ban MTTQ xã", "Ban thanh tra nhân dân xã"],
        ),
        ("Văn phòng HĐND và UBND thành phố", ["Văn phòng HĐND và UBND thành phố"]),
        ("Sở Lao động, Thương binh và Xã hội", ["Sở Lao động, Thương binh và Xã hội"]),
        ("Cán bộ, công chức xã", ["Cán bộ, công chức xã"]),
        ("Các sở, ban, ngành; UBND các phường, xã", ["Các sở, ban, ngành", "UBND các phường, xã"]),
        (
            "Công chức Văn hóa - xã hội và Đài truyền thanh xã",
            ["Công chức Văn hóa - xã hội", "Đài truyền thanh xã"],
        ),
        (
            "Thủ trưởng các cơ quan chuyên môn: Phòng Nội vụ, phòng Y tế",
            ["Phòng Nội vụ", "phòng Y tế"],
        ),
        ("3. Sở Nội vụ:", ["Sở Nội vụ"]),
    ],
)
def test_split_units(raw: str, pieces: list[str]) -> None:
    assert split_units(raw) == pieces


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("SởUBNDxãcấphuyện,;:-&()<>/ .đĐ0123456789")), max_size=40)
    | st.text(max_size=40),
    st.sampled_from(["tinh", "huyen", "xa"]),
)
def test_normalize_unit_never_raises_and_is_deterministic(raw: str, plan_level: str) -> None:
    logging.getLogger("ingest.units").disabled = True
    try:
        refs = normalize_unit(raw, plan_level)
        assert refs == normalize_unit(raw, plan_level)
    finally:
        logging.getLogger("ingest.units").disabled = False
    assert len({ref.kind_key for ref in refs}) == len(refs)
    for ref in refs:
        assert ref.locality_scope in {"plan", "parent", "national"}
        assert ref.level is None or ref.level in LEVELS
        assert ref.kind_key in unit_kinds() or re.fullmatch(r"x-[a-z0-9-]+", ref.kind_key)


# --- the scheme --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scheme() -> Graph:
    return scheme_graph()


def _vi_labels(graph: Graph, concept) -> list[str]:
    props = (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel)
    return [str(o) for p in props for o in graph.objects(concept, p) if o.language == "vi"]


def test_every_kind_is_a_well_formed_concept(scheme: Graph) -> None:
    concepts = set(scheme.subjects(RDF.type, PK.UnitKind))
    assert len(concepts) >= 80
    top = set(scheme.objects(None, SKOS.hasTopConcept))
    for concept in concepts:
        assert (concept, RDF.type, SKOS.Concept) in scheme
        assert str(concept).startswith(str(unit_kind_iri("")))
        prefs = {o.language: o for o in scheme.objects(concept, SKOS.prefLabel)}
        assert set(prefs) == {"vi", "en"}, concept
        level = scheme.value(concept, PK.level)
        assert level is None or str(level) in LEVELS
        broader = set(scheme.objects(concept, SKOS.broader))
        assert broader <= concepts
        assert (concept in top) == (not broader) == ((concept, SKOS.topConceptOf, None) in scheme)


def test_folded_hidden_labels_are_exactly_the_folded_labels(scheme: Graph) -> None:
    for concept in scheme.subjects(RDF.type, PK.UnitKind):
        folded = {str(o) for o in scheme.objects(concept, SKOS.hiddenLabel) if not o.language}
        assert folded == {fold(label) for label in _vi_labels(scheme, concept)}, concept


def test_no_label_names_two_kinds(scheme: Graph) -> None:
    owner: dict[str, object] = {}
    for concept in scheme.subjects(RDF.type, PK.UnitKind):
        for label in {fold(label) for label in _vi_labels(scheme, concept)}:
            assert owner.setdefault(label, concept) == concept, (
                f"{label!r}: {owner[label]}, {concept}"
            )


def test_every_label_maps_back_to_its_kind() -> None:
    for key, kind in unit_kinds().items():
        level = kind.level if kind.level in {"tinh", "huyen", "xa"} else "tinh"
        for label in _vi_labels(scheme_graph(), unit_kind_iri(key)):
            assert kinds(label, level) == (key,), label


def test_scheme_graph_is_the_turtle_with_project_prefixes(scheme: Graph) -> None:
    graph = units_scheme_graph()
    assert isomorphic(graph, scheme)
    assert str(dict(graph.namespaces())["pk"]) == str(PK._NS)


# --- unit triples ------------------------------------------------------------------------------

EXPECTED_SO_NOI_VU = """
@prefix org: <http://www.w3.org/ns/org#> .
@prefix pk: <https://w3id.org/papikg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

<https://w3id.org/papikg/id/unit/p-33/so-noi-vu> a pk:Unit, org:Organization ;
    skos:prefLabel "Sở Nội vụ tỉnh Hưng Yên"@vi ;
    org:classification <https://w3id.org/papikg/id/unit-kind/so-noi-vu> ;
    pk:kind <https://w3id.org/papikg/id/unit-kind/so-noi-vu> ;
    pk:locality <https://w3id.org/papikg/id/locality/p-33> ;
    pk:collective false .
"""


def test_unit_triples_golden() -> None:
    [ref] = normalize_unit("Sở Nội vụ", "tinh")
    node, graph = unit_triples(ref, locality_iri("p-33"), "p-33")
    assert node == unit_iri("p-33", "so-noi-vu")
    expected = Graph().parse(data=EXPECTED_SO_NOI_VU, format="turtle")
    if not isomorphic(graph, expected):
        _, got, missing = graph_diff(to_isomorphic(graph), to_isomorphic(expected))
        pytest.fail(
            f"got:\n{got.serialize(format='nt')}\nexpected:\n{missing.serialize(format='nt')}"
        )


def test_minted_kinds_get_their_triples_with_the_unit() -> None:
    [ref] = normalize_unit("Hội Nông dân xã", "xa")
    node, graph = unit_triples(ref, locality_iri("c-12013"), "c-12013")
    kind = unit_kind_iri("x-hoi-nong-dan-xa")
    assert (kind, RDF.type, PK.UnitKind) in graph
    assert (kind, SKOS.prefLabel, Literal("Hội Nông dân xã", lang="vi")) in graph
    assert (node, SKOS.prefLabel, Literal("Hội Nông dân xã Trưng Trắc", lang="vi")) in graph
    _, known_graph = unit_triples(
        normalize_unit("UBND xã", "xa")[0], locality_iri("c-12013"), "c-12013"
    )
    assert (None, RDF.type, PK.UnitKind) not in known_graph


def test_central_bodies_have_no_locality_triple() -> None:
    [ref] = normalize_unit("Bộ Nội vụ", "xa")
    node, graph = unit_triples(ref, locality_iri("vn"), "vn")
    assert (node, PK.locality, None) not in graph
    assert (node, SKOS.prefLabel, Literal("Bộ Nội vụ", lang="vi")) in graph


def test_group_kinds_are_collective_whatever_the_mention() -> None:
    groups = {key for key, kind in unit_kinds().items() if kind.collective}
    assert {"so-ban-nganh", "can-bo-cong-chuc-xa", "nha-truong-xa", "doan-the"} <= groups
    assert "so-noi-vu" not in groups
    [ref] = normalize_unit("Cán bộ, công chức xã", "xa")
    assert ref.collective


@pytest.mark.parametrize(
    ("raw", "plan", "locality_key", "label"),
    [
        ("UBND xã", ("Trung Trắc", "xa", ("Văn Lâm",)), "c-12013", "Ủy ban nhân dân xã Trưng Trắc"),
        ("Thanh tra huyện", ("Trung Trắc", "xa", ("Văn Lâm",)), "d-325", "Thanh tra huyện Văn Lâm"),
        ("Sở Nội vụ", ("Trung Trắc", "xa", ("Văn Lâm",)), "p-33", "Sở Nội vụ tỉnh Hưng Yên"),
        (
            "Thanh tra thành phố",
            ("Gia Nghĩa", "huyen", ()),
            "d-660",
            "Thanh tra thành phố Gia Nghĩa",
        ),
        ("UBND cấp xã", ("Hưng Yên", "tinh", ()), "p-33", "Ủy ban nhân dân cấp xã (tỉnh Hưng Yên)"),
        ("Bộ Nội vụ", ("Lào Cai", "tinh", ()), "vn", "Bộ Nội vụ"),
    ],
)
def test_unit_locality_and_label(raw: str, plan: tuple, locality_key: str, label: str) -> None:
    name, level, parents = plan
    chain = resolve_locality(name, level, parents)
    [ref] = normalize_unit(raw, level)
    locality = unit_locality(ref, chain)
    assert locality.key == locality_key
    assert unit_label(ref, locality_by_key(locality.key)) == label


def test_plural_cities_of_a_province_are_district_level():
    """Regression: Lào Cai's "Trung tâm y tế các huyện, thị xã, thành phố" split into "… các thành
    phố" was minted as an unknown province-level kind."""
    for raw in ("Trung tâm y tế các thành phố", "Trung tâm ý tế các thành phố"):
        [ref] = normalize_unit(raw, "tinh")
        assert (ref.kind_key, ref.level) == ("trung-tam-y-te-huyen", "huyen")
