"""A small static table of real administrative divisions (GB/T 2260) and district sampling.

`since` is the first year in which python-stdnum's region table accepts the district code in a
resident ID; a person born earlier carries the city code instead (stdnum rejects codes that did not
exist in the birth year, stdnum issue #442, although real IDs of that kind exist).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl

# code, province, city, district, since, area code, local digits, weight
_DIVISIONS: tuple[tuple[int, str, str, str, int, str, int, float], ...] = (
    (110101, "北京市", "北京市", "东城区", 0, "010", 8, 1.0),
    (110102, "北京市", "北京市", "西城区", 0, "010", 8, 1.2),
    (110105, "北京市", "北京市", "朝阳区", 0, "010", 8, 3.5),
    (110106, "北京市", "北京市", "丰台区", 0, "010", 8, 2.0),
    (110107, "北京市", "北京市", "石景山区", 0, "010", 8, 0.6),
    (110108, "北京市", "北京市", "海淀区", 0, "010", 8, 3.2),
    (110112, "北京市", "北京市", "通州区", 1997, "010", 8, 1.8),
    (110114, "北京市", "北京市", "昌平区", 1999, "010", 8, 2.2),
    (120101, "天津市", "天津市", "和平区", 0, "022", 8, 0.4),
    (120103, "天津市", "天津市", "河西区", 0, "022", 8, 0.8),
    (120104, "天津市", "天津市", "南开区", 0, "022", 8, 0.9),
    (310101, "上海市", "上海市", "黄浦区", 0, "021", 8, 0.7),
    (310104, "上海市", "上海市", "徐汇区", 0, "021", 8, 1.1),
    (310105, "上海市", "上海市", "长宁区", 0, "021", 8, 0.7),
    (310106, "上海市", "上海市", "静安区", 0, "021", 8, 1.0),
    (310107, "上海市", "上海市", "普陀区", 0, "021", 8, 1.2),
    (310110, "上海市", "上海市", "杨浦区", 0, "021", 8, 1.2),
    (310112, "上海市", "上海市", "闵行区", 1981, "021", 8, 2.6),
    (310115, "上海市", "上海市", "浦东新区", 1992, "021", 8, 5.5),
    (440104, "广东省", "广州市", "越秀区", 1983, "020", 8, 1.0),
    (440105, "广东省", "广州市", "海珠区", 1983, "020", 8, 1.8),
    (440106, "广东省", "广州市", "天河区", 1985, "020", 8, 2.2),
    (440111, "广东省", "广州市", "白云区", 1987, "020", 8, 3.6),
    (440303, "广东省", "深圳市", "罗湖区", 1990, "0755", 8, 1.1),
    (440304, "广东省", "深圳市", "福田区", 1990, "0755", 8, 1.5),
    (440305, "广东省", "深圳市", "南山区", 1990, "0755", 8, 1.8),
    (440306, "广东省", "深圳市", "宝安区", 1992, "0755", 8, 4.4),
    (440307, "广东省", "深圳市", "龙岗区", 1992, "0755", 8, 3.9),
    (440604, "广东省", "佛山市", "禅城区", 2002, "0757", 8, 1.3),
    (440605, "广东省", "佛山市", "南海区", 2002, "0757", 8, 3.6),
    (330102, "浙江省", "杭州市", "上城区", 1983, "0571", 8, 1.3),
    (330105, "浙江省", "杭州市", "拱墅区", 1983, "0571", 8, 1.1),
    (330106, "浙江省", "杭州市", "西湖区", 1983, "0571", 8, 1.1),
    (330108, "浙江省", "杭州市", "滨江区", 1996, "0571", 8, 0.5),
    (330110, "浙江省", "杭州市", "余杭区", 2001, "0571", 8, 1.2),
    (330203, "浙江省", "宁波市", "海曙区", 1983, "0574", 8, 1.0),
    (330212, "浙江省", "宁波市", "鄞州区", 2002, "0574", 8, 1.6),
    (330302, "浙江省", "温州市", "鹿城区", 1984, "0577", 8, 1.1),
    (320102, "江苏省", "南京市", "玄武区", 1983, "025", 8, 0.5),
    (320104, "江苏省", "南京市", "秦淮区", 1983, "025", 8, 0.7),
    (320105, "江苏省", "南京市", "建邺区", 1983, "025", 8, 0.5),
    (320106, "江苏省", "南京市", "鼓楼区", 1983, "025", 8, 0.9),
    (320213, "江苏省", "无锡市", "梁溪区", 2015, "0510", 8, 1.0),
    (320505, "江苏省", "苏州市", "虎丘区", 2000, "0512", 8, 0.8),
    (320506, "江苏省", "苏州市", "吴中区", 2000, "0512", 8, 1.4),
    (320508, "江苏省", "苏州市", "姑苏区", 2012, "0512", 8, 0.9),
    (510104, "四川省", "成都市", "锦江区", 1990, "028", 8, 0.9),
    (510105, "四川省", "成都市", "青羊区", 1990, "028", 8, 1.0),
    (510106, "四川省", "成都市", "金牛区", 1990, "028", 8, 1.3),
    (510107, "四川省", "成都市", "武侯区", 1990, "028", 8, 1.2),
    (510108, "四川省", "成都市", "成华区", 1990, "028", 8, 1.4),
    (420102, "湖北省", "武汉市", "江岸区", 1983, "027", 8, 1.0),
    (420103, "湖北省", "武汉市", "江汉区", 1983, "027", 8, 0.6),
    (420106, "湖北省", "武汉市", "武昌区", 1983, "027", 8, 1.2),
    (420111, "湖北省", "武汉市", "洪山区", 1983, "027", 8, 1.6),
    (370102, "山东省", "济南市", "历下区", 1983, "0531", 8, 0.8),
    (370103, "山东省", "济南市", "市中区", 1983, "0531", 8, 0.7),
    (370202, "山东省", "青岛市", "市南区", 1983, "0532", 8, 0.6),
    (370212, "山东省", "青岛市", "崂山区", 1988, "0532", 8, 0.5),
    (410102, "河南省", "郑州市", "中原区", 1983, "0371", 8, 0.9),
    (410103, "河南省", "郑州市", "二七区", 1983, "0371", 8, 0.8),
    (410105, "河南省", "郑州市", "金水区", 1983, "0371", 8, 1.6),
    (350102, "福建省", "福州市", "鼓楼区", 1983, "0591", 8, 0.7),
    (350203, "福建省", "厦门市", "思明区", 1983, "0592", 7, 1.0),
    (350206, "福建省", "厦门市", "湖里区", 1987, "0592", 7, 1.0),
    (430102, "湖南省", "长沙市", "芙蓉区", 1996, "0731", 8, 0.6),
    (430103, "湖南省", "长沙市", "天心区", 1996, "0731", 8, 0.7),
    (430104, "湖南省", "长沙市", "岳麓区", 1996, "0731", 8, 1.5),
    (610103, "陕西省", "西安市", "碑林区", 1983, "029", 8, 0.8),
    (610113, "陕西省", "西安市", "雁塔区", 1983, "029", 8, 1.6),
)


@dataclass(frozen=True)
class Divisions:
    """Column arrays of the division table; row i is district index i."""

    code: np.ndarray
    city_code: np.ndarray
    since: np.ndarray
    local_digits: np.ndarray
    city_id: np.ndarray
    weight: np.ndarray
    province: pl.Series
    city: pl.Series
    district: pl.Series
    area_code: pl.Series

    @property
    def size(self) -> int:
        """Number of districts."""
        return len(self.code)


@cache
def divisions() -> Divisions:
    """The division table (built once)."""
    cols = list(zip(*_DIVISIONS, strict=True))
    code = np.array(cols[0], dtype=np.int64)
    city_code = code // 100 * 100
    # Rows are grouped by city: a running count of city changes numbers the cities in order.
    city_id = np.concatenate([[0], np.cumsum(city_code[1:] != city_code[:-1])])
    weight = np.array(cols[7], dtype=np.float64)
    return Divisions(
        code=code,
        city_code=city_code,
        since=np.array(cols[4], dtype=np.int64),
        local_digits=np.array(cols[6], dtype=np.int64),
        city_id=city_id.astype(np.int64),
        weight=weight / weight.sum(),
        province=pl.Series("province", cols[1]),
        city=pl.Series("city", cols[2]),
        district=pl.Series("district", cols[3]),
        area_code=pl.Series("area_code", cols[5]),
    )


def draw_districts(rng: np.random.Generator, n: int) -> np.ndarray:
    """n district indices, weighted by population."""
    table = divisions()
    return rng.choice(table.size, size=n, p=table.weight)


def districts_in_other_city(rng: np.random.Generator, district: np.ndarray) -> np.ndarray:
    """For each district index, a random district index in a different city."""
    table = divisions()
    other = draw_districts(rng, len(district))
    clash = table.city_id[other] == table.city_id[district]
    # Districts are grouped by city, so stepping past the clashing city's block always leaves it.
    last_of_city = np.searchsorted(table.city_id, table.city_id[other], side="right")
    return np.where(clash, last_of_city % table.size, other)
