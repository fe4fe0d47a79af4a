"""Word lists for the demo catalogue: who is in the market, and the words titles are made of.

The studios and platforms are the ones the 2017 Q3 short-video market report (seeds/) names;
everything else — publishers, label, MCN, society, brand, people, every work, share and claim —
is invented for the demo.
"""

from __future__ import annotations

# (key, Chinese name, English name, what they make) — content studios funded in 2017 Q3.
STUDIOS = (
    ("yitiao", "一条视频", "Yitiao Video", "lifestyle"),
    ("ergeng", "二更", "Ergeng", "story"),
    ("ririzhu", "日日煮", "DayDayCook", "food"),
    ("hexian", "何仙姑夫", "He Xian Gu Fu", "humour"),
    ("guantou", "罐头场文化", "Guantouchang", "food"),
    ("sangan", "三感video", "Sangan Video", "story"),
    ("junwu", "军武次位面", "Junwu Ciweimian", "military"),
    ("guandeng", "关灯影业", "Guandeng Pictures", "film"),
)
MCN_STUDIOS = ("hexian", "guantou")  # the demo MCN holds a mandate over these two

# (key, Chinese name, English name, platform-id slug) — the platforms the report compares.
PLATFORMS = (
    ("douyin", "抖音", "Douyin", "douyin"),
    ("kuaishou", "快手", "Kuaishou", "kuaishou"),
    ("meipai", "美拍", "Meipai", "meipai"),
    ("miaopai", "秒拍", "Miaopai", "miaopai"),
    ("xigua", "西瓜视频", "Xigua Video", "xigua"),
)

# Fictional parties (the "（示例）"/"(demo)" marks say so in the data itself).
MCN = ("飞鱼MCN（示例）", "Flying Fish MCN (demo)")
PUBLISHERS = (
    ("pub_a", "声海音乐出版（示例）", "Soundsea Music Publishing (demo)"),
    ("pub_b", "青柠词曲（示例）", "Lime Songs Publishing (demo)"),
)
LABEL = ("回声唱片（示例）", "Echo Records (demo)")
SOCIETY = ("示例音乐著作权集体管理协会（虚构）", "Demo Music Rights Society (fictional, MCSC-like)")
SONGWRITER = ("陈一鸣（示例词曲作者）", "Chen Yiming (demo songwriter)")
BRAND = ("晨光饮品（示例品牌）", "Morning Light Drinks (demo brand)")
CREATOR = ("小鹿酱（示例创作者）", "Xiaolu (demo creator)")

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜"
GIVEN_NAMES = (
    "一鸣", "子涵", "思远", "雨桐", "浩然", "梓萱", "晓东", "欣怡", "俊杰", "诗琪", "嘉伟", "若溪",
    "天宇", "梦洁", "志强", "静怡", "宇航", "佳琪", "明轩", "婉婷", "振华", "可馨", "博文", "雅琴",
)

# Song titles are "{A}的{B}" / "{A} {B}".
SONG_FIRST = (
    ("夏日", "Summer"), ("城市", "City"), ("午夜", "Midnight"), ("远方", "Faraway"),
    ("星空", "Starry Sky"), ("海边", "Seaside"), ("秋天", "Autumn"), ("童年", "Childhood"),
    ("青春", "Youth"), ("故乡", "Hometown"), ("雨天", "Rainy Day"), ("月光", "Moonlight"),
)
SONG_SECOND = (
    ("风", "Wind"), ("约定", "Promise"), ("告白", "Confession"), ("旅行", "Journey"),
    ("回忆", "Memories"), ("小情歌", "Love Song"), ("晚安", "Goodnight"), ("少年", "Youngster"),
    ("信", "Letter"), ("梦", "Dream"),
)
GENRES = (("流行", "pop"), ("民谣", "folk"), ("电子", "electronic"), ("摇滚", "rock"),
          ("说唱", "hip-hop"), ("古风", "guofeng"))

# Coastal cities and the north-east, where the report finds most short-video users.
CITIES = (
    ("杭州", "Hangzhou"), ("成都", "Chengdu"), ("上海", "Shanghai"), ("北京", "Beijing"),
    ("西安", "Xi'an"), ("厦门", "Xiamen"), ("大理", "Dali"), ("重庆", "Chongqing"),
    ("苏州", "Suzhou"), ("广州", "Guangzhou"), ("青岛", "Qingdao"), ("哈尔滨", "Harbin"),
    ("沈阳", "Shenyang"), ("深圳", "Shenzhen"), ("香港", "Hong Kong"),
)
DISHES = (
    ("红烧肉", "braised pork"), ("小笼包", "soup dumplings"), ("麻婆豆腐", "mapo tofu"),
    ("牛肉面", "beef noodles"), ("煎饼果子", "jianbing"), ("酸菜鱼", "pickled-cabbage fish"),
    ("糖醋排骨", "sweet and sour ribs"), ("蛋炒饭", "egg fried rice"), ("月饼", "mooncakes"),
    ("火锅", "hotpot"), ("凉皮", "liangpi noodles"), ("锅包肉", "guobaorou"),
)
CRAFTS = (
    ("木匠", "carpenter"), ("茶农", "tea farmer"), ("裁缝", "tailor"), ("书店", "bookshop"),
    ("咖啡馆", "café"), ("民宿", "guesthouse"), ("陶艺人", "potter"), ("园丁", "gardener"),
)
PEOPLE = (
    ("老板", "the boss"), ("外卖小哥", "the delivery guy"), ("丈母娘", "the mother-in-law"),
    ("室友", "the roommate"), ("班主任", "the head teacher"), ("相亲对象", "a blind date"),
)
SITUATIONS = (
    ("加班", "overtime"), ("双十一", "Singles' Day"), ("健身", "the gym"),
    ("春运", "the holiday rush"), ("养猫", "a new cat"), ("减肥", "a diet"),
)
MACHINES = (("航母", "aircraft carriers"), ("坦克", "tanks"), ("战斗机", "fighter jets"),
            ("潜艇", "submarines"), ("直升机", "helicopters"))
FILMS = (("《长夜》", "The Long Night"), ("《归途》", "The Way Home"), ("《雾城》", "Fog City"),
         ("《南方来信》", "Letters from the South"), ("《第七天》", "The Seventh Day"))
SCENES = (("夜景", "at night"), ("晨雾", "in the morning mist"), ("老街", "old streets"),
          ("雪后", "after the snow"), ("落日", "at sunset"))

# Video title templates per kind of studio: (Chinese, English). Fields: {city} {dish} {craft}
# {person} {thing} {machine} {film} {n}, each with an `_en` twin.
VIDEO_TITLES = {
    "food": (("{city}街头的{dish}", "{dish_en} on the streets of {city_en}"),
             ("五分钟学会{dish}", "{dish_en} in five minutes"),
             ("外婆的{dish}", "Grandma's {dish_en}"),
             ("{dish}的{n}种吃法", "{n} ways to eat {dish_en}")),
    "lifestyle": (("{city}的{craft}", "The {craft_en} of {city_en}"),
                  ("一个{craft}的一天", "A day with a {craft_en}"),
                  ("在{city}慢下来", "Slowing down in {city_en}")),
    "story": (("{city}，{n}年后", "{city_en}, {n} years later"),
              ("写给{person}的信", "A letter to {person_en}"),
              ("{city}的最后一家{craft}", "The last {craft_en} in {city_en}")),
    "humour": (("当{person}遇上{thing}", "When {person_en} meets {thing_en}"),
               ("{person}的{thing}日记", "{person_en}'s diary of {thing_en}")),
    "military": (("{machine}的{n}个冷知识", "{n} things you didn't know about {machine_en}"),
                 ("{n}分钟看懂{machine}", "{machine_en} in {n} minutes")),
    "film": (("{n}分钟看完{film}", "{film_en} in {n} minutes"),
             ("{film}里的{city}", "{city_en} in {film_en}")),
}
VIDEO_TAGS = {"food": ("美食", "food"), "lifestyle": ("生活", "lifestyle"),
              "story": ("故事", "story"), "humour": ("搞笑", "humour"),
              "military": ("军事", "military"), "film": ("影评", "film")}
