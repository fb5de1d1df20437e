"""Build pipeline/data/countries.json offline from the iso-codes package (Debian/Ubuntu
`iso-codes`: /usr/share/iso-codes/json/iso_3166-1.json and its gettext catalogues) plus the
curated United Nations forms below. Never run by the pipeline; needs no network:
    python tools/build_countries.py
"""
from __future__ import annotations

import gettext
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

ISO_JSON = Path("/usr/share/iso-codes/json/iso_3166-1.json")
LOCALE_DIR = "/usr/share/locale"
LOCALES = {"fr": "fr", "es": "es", "ru": "ru", "ar": "ar", "zh": "zh_CN"}
LANGS = ("ar", "zh", "en", "fr", "ru", "es")

# ISO entries that are not Member States of the United Nations.
OBSERVERS = {"VAT", "PSE"}
TERRITORIES = set("""ABW AIA ALA ASM ATA ATF BES BLM BMU BVT CCK COK CUW CXR CYM ESH FLK FRO GGY GIB GLP GRL
GUF GUM HKG HMD IMN IOT JEY MAC MAF MNP MSR MTQ MYT NCL NFK NIU PCN PRI PYF REU SGS SHN SJM SPM SXM TCA TKL
TWN UMI VGB VIR WLF""".split())

# English short names as the United Nations writes them, where ISO's differ.
UN_EN = {
    "BOL": "Bolivia (Plurinational State of)", "COD": "Democratic Republic of the Congo",
    "FSM": "Micronesia (Federated States of)", "GBR": "United Kingdom of Great Britain and Northern Ireland",
    "IRN": "Iran (Islamic Republic of)", "KOR": "Republic of Korea", "PRK": "Democratic People's Republic of Korea",
    "MDA": "Republic of Moldova", "PSE": "State of Palestine", "TZA": "United Republic of Tanzania",
    "USA": "United States of America", "VEN": "Venezuela (Bolivarian Republic of)", "VAT": "Holy See",
    "NLD": "Netherlands (Kingdom of the)", "TWN": "Taiwan Province of China", "MAC": "Macao, China",
    "HKG": "Hong Kong, China", "ESH": "Western Sahara", "FLK": "Falkland Islands (Malvinas)",
}

# The UN's own names and the usual short forms, per language, for the States most named in
# Security Council documents (ISO catalogues lack many of these forms).
CURATED: dict[str, dict[str, list[str]]] = {
    "RUS": {"en": ["Russian Federation", "Russia"], "fr": ["Fédération de Russie", "Russie"], "es": ["Federación de Rusia", "Rusia"],
            "ru": ["Российская Федерация", "Россия"], "ar": ["الاتحاد الروسي", "روسيا"], "zh": ["俄罗斯联邦", "俄罗斯"]},
    "USA": {"en": ["United States of America", "United States"], "fr": ["États-Unis d'Amérique", "États-Unis"],
            "es": ["Estados Unidos de América", "Estados Unidos"], "ru": ["Соединенные Штаты Америки", "Соединенные Штаты", "США"],
            "ar": ["الولايات المتحدة الأمريكية", "الولايات المتحدة"], "zh": ["美利坚合众国", "美国"]},
    "GBR": {"en": ["United Kingdom of Great Britain and Northern Ireland", "United Kingdom"],
            "fr": ["Royaume-Uni de Grande-Bretagne et d'Irlande du Nord", "Royaume-Uni"],
            "es": ["Reino Unido de Gran Bretaña e Irlanda del Norte", "Reino Unido"],
            "ru": ["Соединенное Королевство Великобритании и Северной Ирландии", "Соединенное Королевство", "Великобритания"],
            "ar": ["المملكة المتحدة لبريطانيا العظمى وأيرلندا الشمالية", "المملكة المتحدة"], "zh": ["大不列颠及北爱尔兰联合王国", "联合王国", "英国"]},
    "FRA": {"en": ["France"], "fr": ["France"], "es": ["Francia"], "ru": ["Франция"], "ar": ["فرنسا"], "zh": ["法国", "法兰西共和国"]},
    "CHN": {"en": ["China", "People's Republic of China"], "fr": ["Chine", "République populaire de Chine"], "es": ["China", "República Popular China"],
            "ru": ["Китай", "Китайская Народная Республика", "КНР"], "ar": ["الصين", "جمهورية الصين الشعبية"], "zh": ["中国", "中华人民共和国"]},
    "SYR": {"en": ["Syrian Arab Republic", "Syria"], "fr": ["République arabe syrienne", "Syrie"], "es": ["República Árabe Siria", "Siria"],
            "ru": ["Сирийская Арабская Республика", "Сирия"], "ar": ["الجمهورية العربية السورية", "سوريا", "سورية"], "zh": ["阿拉伯叙利亚共和国", "叙利亚"]},
    "IRN": {"en": ["Iran (Islamic Republic of)", "Islamic Republic of Iran", "Iran"], "fr": ["Iran (République islamique d')", "République islamique d'Iran", "Iran"],
            "es": ["Irán (República Islámica del)", "República Islámica del Irán", "Irán"], "ru": ["Иран (Исламская Республика)", "Исламская Республика Иран", "Иран"],
            "ar": ["جمهورية إيران الإسلامية", "إيران"], "zh": ["伊朗伊斯兰共和国", "伊朗"]},
    "PRK": {"en": ["Democratic People's Republic of Korea", "North Korea"], "fr": ["République populaire démocratique de Corée"],
            "es": ["República Popular Democrática de Corea"], "ru": ["Корейская Народно-Демократическая Республика", "КНДР"],
            "ar": ["جمهورية كوريا الشعبية الديمقراطية"], "zh": ["朝鲜民主主义人民共和国", "朝鲜"]},
    "KOR": {"en": ["Republic of Korea", "South Korea"], "fr": ["République de Corée"], "es": ["República de Corea"], "ru": ["Республика Корея"],
            "ar": ["جمهورية كوريا"], "zh": ["大韩民国", "韩国"]},
    "PSE": {"en": ["State of Palestine", "Palestine"], "fr": ["État de Palestine", "Palestine"], "es": ["Estado de Palestina", "Palestina"],
            "ru": ["Государство Палестина", "Палестина"], "ar": ["دولة فلسطين", "فلسطين"], "zh": ["巴勒斯坦国", "巴勒斯坦"]},
    "AFG": {"en": ["Afghanistan"], "fr": ["Afghanistan"], "es": ["Afganistán", "el Afganistán"], "ru": ["Афганистан"], "ar": ["أفغانستان"], "zh": ["阿富汗"]},
    "IRQ": {"en": ["Iraq"], "fr": ["Iraq", "Irak"], "es": ["Iraq", "Irak"], "ru": ["Ирак"], "ar": ["العراق"], "zh": ["伊拉克"]},
    "LBY": {"en": ["Libya"], "fr": ["Libye"], "es": ["Libia"], "ru": ["Ливия"], "ar": ["ليبيا"], "zh": ["利比亚"]},
    "YEM": {"en": ["Yemen"], "fr": ["Yémen"], "es": ["Yemen"], "ru": ["Йемен"], "ar": ["اليمن"], "zh": ["也门"]},
    "UKR": {"en": ["Ukraine"], "fr": ["Ukraine"], "es": ["Ucrania"], "ru": ["Украина"], "ar": ["أوكرانيا"], "zh": ["乌克兰"]},
    "ISR": {"en": ["Israel"], "fr": ["Israël"], "es": ["Israel"], "ru": ["Израиль"], "ar": ["إسرائيل"], "zh": ["以色列"]},
    "LBN": {"en": ["Lebanon"], "fr": ["Liban"], "es": ["Líbano", "el Líbano"], "ru": ["Ливан"], "ar": ["لبنان"], "zh": ["黎巴嫩"]},
    "SDN": {"en": ["Sudan", "the Sudan"], "fr": ["Soudan"], "es": ["Sudán", "el Sudán"], "ru": ["Судан"], "ar": ["السودان"], "zh": ["苏丹"]},
    "SSD": {"en": ["South Sudan"], "fr": ["Soudan du Sud"], "es": ["Sudán del Sur"], "ru": ["Южный Судан"], "ar": ["جنوب السودان"], "zh": ["南苏丹"]},
    "COD": {"en": ["Democratic Republic of the Congo"], "fr": ["République démocratique du Congo"], "es": ["República Democrática del Congo"],
            "ru": ["Демократическая Республика Конго"], "ar": ["جمهورية الكونغو الديمقراطية"], "zh": ["刚果民主共和国"]},
    "COG": {"en": ["Congo", "Republic of the Congo"], "fr": ["Congo", "République du Congo"], "es": ["Congo", "República del Congo"],
            "ru": ["Конго", "Республика Конго"], "ar": ["الكونغو", "جمهورية الكونغو"], "zh": ["刚果", "刚果共和国"]},
    "CAF": {"en": ["Central African Republic"], "fr": ["République centrafricaine"], "es": ["República Centroafricana"],
            "ru": ["Центральноафриканская Республика"], "ar": ["جمهورية أفريقيا الوسطى"], "zh": ["中非共和国"]},
    "MLI": {"en": ["Mali"], "fr": ["Mali"], "es": ["Malí"], "ru": ["Мали"], "ar": ["مالي"], "zh": ["马里"]},
    "SOM": {"en": ["Somalia"], "fr": ["Somalie"], "es": ["Somalia"], "ru": ["Сомали"], "ar": ["الصومال"], "zh": ["索马里"]},
    "KAZ": {"en": ["Kazakhstan"], "fr": ["Kazakhstan"], "es": ["Kazajstán"], "ru": ["Казахстан"], "ar": ["كازاخستان"], "zh": ["哈萨克斯坦"]},
    "KGZ": {"en": ["Kyrgyzstan"], "fr": ["Kirghizistan"], "es": ["Kirguistán"], "ru": ["Кыргызстан", "Киргизия"], "ar": ["قيرغيزستان"], "zh": ["吉尔吉斯斯坦"]},
    "TJK": {"en": ["Tajikistan"], "fr": ["Tadjikistan"], "es": ["Tayikistán"], "ru": ["Таджикистан"], "ar": ["طاجيكستان"], "zh": ["塔吉克斯坦"]},
    "UZB": {"en": ["Uzbekistan"], "fr": ["Ouzbékistan"], "es": ["Uzbekistán"], "ru": ["Узбекистан"], "ar": ["أوزبكستان"], "zh": ["乌兹别克斯坦"]},
    "TKM": {"en": ["Turkmenistan"], "fr": ["Turkménistan"], "es": ["Turkmenistán"], "ru": ["Туркменистан", "Туркмения"], "ar": ["تركمانستان"], "zh": ["土库曼斯坦"]},
    "BLR": {"en": ["Belarus"], "fr": ["Bélarus", "Biélorussie"], "es": ["Belarús"], "ru": ["Беларусь", "Республика Беларусь"], "ar": ["بيلاروس"], "zh": ["白俄罗斯"]},
    "ARM": {"en": ["Armenia"], "fr": ["Arménie"], "es": ["Armenia"], "ru": ["Армения"], "ar": ["أرمينيا"], "zh": ["亚美尼亚"]},
    "AZE": {"en": ["Azerbaijan"], "fr": ["Azerbaïdjan"], "es": ["Azerbaiyán"], "ru": ["Азербайджан"], "ar": ["أذربيجان"], "zh": ["阿塞拜疆"]},
    "GEO": {"en": ["Georgia"], "fr": ["Géorgie"], "es": ["Georgia"], "ru": ["Грузия"], "ar": ["جورجيا"], "zh": ["格鲁吉亚"]},
    "MDA": {"en": ["Republic of Moldova", "Moldova"], "fr": ["République de Moldova", "Moldova"], "es": ["República de Moldova", "Moldova"],
            "ru": ["Республика Молдова", "Молдова"], "ar": ["جمهورية مولدوفا"], "zh": ["摩尔多瓦共和国", "摩尔多瓦"]},
    "TUR": {"en": ["Türkiye", "Turkey"], "fr": ["Türkiye", "Turquie"], "es": ["Türkiye", "Turquía"], "ru": ["Турция", "Турецкая Республика"],
            "ar": ["تركيا"], "zh": ["土耳其"]},
    "IND": {"en": ["India"], "fr": ["Inde"], "es": ["India", "la India"], "ru": ["Индия"], "ar": ["الهند"], "zh": ["印度"]},
    "PAK": {"en": ["Pakistan"], "fr": ["Pakistan"], "es": ["Pakistán", "el Pakistán"], "ru": ["Пакистан"], "ar": ["باكستان"], "zh": ["巴基斯坦"]},
    "DEU": {"en": ["Germany"], "fr": ["Allemagne"], "es": ["Alemania"], "ru": ["Германия"], "ar": ["ألمانيا"], "zh": ["德国"]},
    "JPN": {"en": ["Japan"], "fr": ["Japon"], "es": ["Japón", "el Japón"], "ru": ["Япония"], "ar": ["اليابان"], "zh": ["日本"]},
    "EGY": {"en": ["Egypt"], "fr": ["Égypte"], "es": ["Egipto"], "ru": ["Египет"], "ar": ["مصر"], "zh": ["埃及"]},
    "SAU": {"en": ["Saudi Arabia"], "fr": ["Arabie saoudite"], "es": ["Arabia Saudita"], "ru": ["Саудовская Аравия"], "ar": ["المملكة العربية السعودية", "السعودية"], "zh": ["沙特阿拉伯"]},
    "VEN": {"en": ["Venezuela (Bolivarian Republic of)", "Bolivarian Republic of Venezuela", "Venezuela"],
            "fr": ["Venezuela (République bolivarienne du)", "République bolivarienne du Venezuela", "Venezuela"],
            "es": ["Venezuela (República Bolivariana de)", "República Bolivariana de Venezuela", "Venezuela"],
            "ru": ["Венесуэла (Боливарианская Республика)", "Боливарианская Республика Венесуэла", "Венесуэла"],
            "ar": ["فنزويلا (جمهورية - البوليفارية)", "جمهورية فنزويلا البوليفارية", "فنزويلا"], "zh": ["委内瑞拉玻利瓦尔共和国", "委内瑞拉"]},
    "BOL": {"en": ["Bolivia (Plurinational State of)", "Plurinational State of Bolivia", "Bolivia"],
            "fr": ["Bolivie (État plurinational de)", "État plurinational de Bolivie", "Bolivie"],
            "es": ["Bolivia (Estado Plurinacional de)", "Estado Plurinacional de Bolivia", "Bolivia"],
            "ru": ["Боливия (Многонациональное Государство)", "Многонациональное Государство Боливия", "Боливия"],
            "ar": ["بوليفيا (دولة - المتعددة القوميات)", "دولة بوليفيا المتعددة القوميات", "بوليفيا"], "zh": ["多民族玻利维亚国", "玻利维亚"]},
    "TZA": {"en": ["United Republic of Tanzania", "Tanzania"], "fr": ["République-Unie de Tanzanie", "Tanzanie"], "es": ["República Unida de Tanzanía", "Tanzanía"],
            "ru": ["Объединенная Республика Танзания", "Танзания"], "ar": ["جمهورية تنزانيا المتحدة", "تنزانيا"], "zh": ["坦桑尼亚联合共和国", "坦桑尼亚"]},
    "VNM": {"en": ["Viet Nam", "Vietnam"], "fr": ["Viet Nam"], "es": ["Viet Nam"], "ru": ["Вьетнам"], "ar": ["فييت نام"], "zh": ["越南"]},
    "LAO": {"en": ["Lao People's Democratic Republic"], "fr": ["République démocratique populaire lao"], "es": ["República Democrática Popular Lao"],
            "ru": ["Лаосская Народно-Демократическая Республика"], "ar": ["جمهورية لاو الديمقراطية الشعبية"], "zh": ["老挝人民民主共和国", "老挝"]},
    "FSM": {"en": ["Micronesia (Federated States of)", "Federated States of Micronesia"], "fr": ["Micronésie (États fédérés de)", "États fédérés de Micronésie"],
            "es": ["Micronesia (Estados Federados de)", "Estados Federados de Micronesia"], "ru": ["Микронезия (Федеративные Штаты)", "Федеративные Штаты Микронезии"],
            "ar": ["ميكرونيزيا (ولايات - الموحدة)", "ولايات ميكرونيزيا الموحدة"], "zh": ["密克罗尼西亚联邦"]},
    "NLD": {"en": ["Netherlands (Kingdom of the)", "Kingdom of the Netherlands", "Netherlands"], "fr": ["Pays-Bas (Royaume des)", "Royaume des Pays-Bas", "Pays-Bas"],
            "es": ["Países Bajos (Reino de los)", "Reino de los Países Bajos", "Países Bajos"], "ru": ["Нидерланды (Королевство)", "Королевство Нидерландов", "Нидерланды"],
            "ar": ["هولندا (مملكة)", "مملكة هولندا", "هولندا"], "zh": ["荷兰王国", "荷兰"]},
    "CIV": {"en": ["Côte d'Ivoire"], "fr": ["Côte d'Ivoire"], "es": ["Côte d'Ivoire"], "ru": ["Кот-д'Ивуар"], "ar": ["كوت ديفوار"], "zh": ["科特迪瓦"]},
    "MKD": {"en": ["North Macedonia"], "fr": ["Macédoine du Nord"], "es": ["Macedonia del Norte"], "ru": ["Северная Македония"], "ar": ["مقدونيا الشمالية"], "zh": ["北马其顿"]},
    "VAT": {"en": ["Holy See"], "fr": ["Saint-Siège"], "es": ["Santa Sede"], "ru": ["Святейший Престол"], "ar": ["الكرسي الرسولي"], "zh": ["教廷"]},
    "XKX": {"en": ["Kosovo"], "fr": ["Kosovo"], "es": ["Kosovo"], "ru": ["Косово"], "ar": ["كوسوفو"], "zh": ["科索沃"]},
    "ESH": {"en": ["Western Sahara"], "fr": ["Sahara occidental"], "es": ["Sáhara Occidental"], "ru": ["Западная Сахара"], "ar": ["الصحراء الغربية"], "zh": ["西撒哈拉"]},
    "CZE": {"en": ["Czechia", "Czech Republic"], "fr": ["Tchéquie", "République tchèque"], "es": ["Chequia", "República Checa"], "ru": ["Чехия", "Чешская Республика"],
            "ar": ["تشيكيا", "الجمهورية التشيكية"], "zh": ["捷克", "捷克共和国"]},
    "SWZ": {"en": ["Eswatini", "Swaziland"], "fr": ["Eswatini", "Swaziland"], "es": ["Eswatini", "Swazilandia"], "ru": ["Эсватини", "Свазиленд"], "ar": ["إسواتيني"], "zh": ["斯威士兰"]},
    "CPV": {"en": ["Cabo Verde", "Cape Verde"], "fr": ["Cabo Verde", "Cap-Vert"], "es": ["Cabo Verde"], "ru": ["Кабо-Верде"], "ar": ["كابو فيردي"], "zh": ["佛得角"]},
    "BRN": {"en": ["Brunei Darussalam", "Brunei"], "fr": ["Brunéi Darussalam"], "es": ["Brunei Darussalam"], "ru": ["Бруней-Даруссалам"], "ar": ["بروني دار السلام"], "zh": ["文莱达鲁萨兰国", "文莱"]},
    "GMB": {"en": ["Gambia", "the Gambia"], "fr": ["Gambie"], "es": ["Gambia"], "ru": ["Гамбия"], "ar": ["غامبيا"], "zh": ["冈比亚"]},
}

LINKS = {"of", "the", "de", "del", "la", "du", "des", "los", "las"}
ARABIC_MARKS = re.compile(r"[\u064b-\u0652\u0670\u0640]")


def clean(name: str) -> str:
    """Drop Arabic diacritics and stray spaces from a catalogue name."""
    return re.sub(r"\s+", " ", ARABIC_MARKS.sub("", unicodedata.normalize("NFC", name))).strip()


ARTICLE = re.compile(r"^(?:(?:the|el|la|los|las|le|les)\s+|l')(?=\w)", re.IGNORECASE)


def strip_article(name: str) -> str:
    """The name without a leading article: the matcher's span is the name itself."""
    return ARTICLE.sub("", name)


def variants(name: str) -> list[str]:
    """A catalogue name and its readable forms: "Russie, Fédération de" -> also
    "Fédération de Russie" and "Russie (Fédération de)"."""
    name = clean(name)
    if name.lower().startswith("the "):
        name = name[4:]
    out = [name]
    head, sep, tail = name.partition(", ")
    if sep and tail and "," not in tail:
        out.append(f"{head} ({tail})")
        if tail.endswith(("'", "’")) or tail.split()[-1].lower() in LINKS:
            glue = "" if tail.endswith(("'", "’")) else " "
            out.append(f"{tail}{glue}{head}")
    return out


def build() -> dict[str, Any]:
    entries = json.loads(ISO_JSON.read_text(encoding="utf-8"))["3166-1"]
    entries.append({"alpha_3": "XKX", "name": "Kosovo"})
    catalogues = {lang: gettext.translation("iso_3166-1", LOCALE_DIR, [loc]) for lang, loc in LOCALES.items()}
    rows = []
    for e in sorted(entries, key=lambda e: e["alpha_3"]):
        code = e["alpha_3"]
        iso_names = [e[k] for k in ("name", "common_name", "official_name") if e.get(k)]
        names: dict[str, list[str]] = {}
        for lang in LANGS:
            found = list(CURATED.get(code, {}).get(lang, []))
            for n in iso_names:
                local = n if lang == "en" else catalogues[lang].gettext(n)
                if lang in ("ar", "zh", "ru") and local == n:
                    continue  # not translated in that catalogue
                found += variants(local)
            if lang == "en" and code in UN_EN:
                found.insert(0, UN_EN[code])
            names[lang] = list(dict.fromkeys(strip_article(f) for f in found if f))
        kind = "observer_state" if code in OBSERVERS else "territory" if code in TERRITORIES or code == "XKX" else "member_state"
        rows.append({"code": code, "name_en": UN_EN.get(code, names["en"][0]) if code not in CURATED else CURATED[code]["en"][0],
                     "type": kind, "names": names})
    # a name that stands for two codes (e.g. "Corée") is dropped from both, unless curated
    owners: dict[tuple[str, str], set[str]] = {}
    for r in rows:
        for lang, ns in r["names"].items():
            for n in ns:
                owners.setdefault((lang, n.casefold()), set()).add(r["code"])
    for r in rows:
        for lang, ns in r["names"].items():
            keep = CURATED.get(r["code"], {}).get(lang, [])
            r["names"][lang] = [n for n in ns if n in keep or len(owners[(lang, n.casefold())]) == 1]
    return {"about": "States and territories: ISO 3166-1 alpha-3 code, English short name as the UN writes it, "
                     "names in six languages (UN forms first, then catalogue variants). Built by build_countries.py.",
            "countries": rows}


if __name__ == "__main__":
    data = build()
    out = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "countries.json"
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    counts = {k: sum(r["type"] == k for r in data["countries"]) for k in ("member_state", "observer_state", "territory")}
    print(out, counts)
