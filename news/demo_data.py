"""Demo content modelled on the committee's own news (see the seed page)."""

KHANKENDI_EN = """<p>Chairman of the State Committee for Affairs of Refugees and IDPs Rovshan Rzayev met with a group of Azerbaijanis who were internally displaced from Khankendi thirty-two years ago.</p>
<p>At the meeting, it was noted with great satisfaction and pride that as a result of determined military-political and diplomatic efforts of the President of the Republic of Azerbaijan, the Victorious Supreme Commander-in-Chief Ilham Aliyev, lands of Karabakh and East Zangazur were liberated from Armenian occupation in the 44-day Patriotic War three years ago, and the Armenian formations and the bogus organization remaining in those areas were completely abolished on September 19-20 this year due to the anti-terrorist measures implemented in a short period of time.</p>
<p>It was noted that in the new situation, the Great Return will soon cover the internally displaced Azerbaijani population of Khankendi. It was noted that Khankendi people, like all our compatriots who faced forced displacement, were always under the protection of our state.</p>
<p>The Chairman of the State Committee informed the participants of the meeting about the measures taken to prepare IDPs for their return, the progress and rules of relocation to the reconstructed and restored settlements in the liberated territories, spoke about the upcoming tasks related to the organization of the return of the Azerbaijani population to Khankendi, conveyed the instructions of the head of our state related to this to them.</p>
<p>Representatives of IDP communities from Khankendi, intellectuals, social activists, as well as members of the Public Council under the State Committee attended the meeting and voiced their opinions and proposals on the issues of preparation for the return.</p>"""

KHANKENDI_AZ = """<p>Qaçqınların və Məcburi Köçkünlərin İşləri üzrə Dövlət Komitəsinin sədri Rövşən Rzayev otuz iki il əvvəl Xankəndidən məcburi köçkün düşmüş bir qrup azərbaycanlı ilə görüşüb.</p>
<p>Görüşdə böyük məmnunluq və qürur hissi ilə qeyd olunub ki, Azərbaycan Respublikasının Prezidenti, Müzəffər Ali Baş Komandan İlham Əliyevin qətiyyətli hərbi-siyasi və diplomatik səyləri nəticəsində üç il əvvəl 44 günlük Vətən müharibəsində Qarabağ və Şərqi Zəngəzur torpaqları erməni işğalından azad edilib, bu ilin 19-20 sentyabr tarixlərində qısa müddətdə həyata keçirilən antiterror tədbirləri nəticəsində həmin ərazilərdə qalan erməni birləşmələri və qondarma qurum tamamilə ləğv olunub.</p>
<p>Bildirilib ki, yeni şəraitdə Böyük Qayıdış tezliklə Xankəndinin məcburi köçkün düşmüş azərbaycanlı əhalisini də əhatə edəcək. Qeyd olunub ki, məcburi köçkünlüklə üzləşmiş bütün soydaşlarımız kimi xankəndililər də həmişə dövlətimizin himayəsində olublar.</p>
<p>Dövlət Komitəsinin sədri görüş iştirakçılarını məcburi köçkünlərin qayıdışa hazırlanması istiqamətində görülən tədbirlər, işğaldan azad olunmuş ərazilərdə yenidən qurulan və bərpa edilən yaşayış məntəqələrinə köçürülmənin gedişatı və qaydaları barədə məlumatlandırıb, Xankəndiyə azərbaycanlı əhalinin qayıdışının təşkili ilə bağlı qarşıda duran vəzifələrdən danışıb.</p>
<p>Görüşdə Xankəndi məcburi köçkün icmalarının nümayəndələri, ziyalılar, ictimai fəallar, həmçinin Dövlət Komitəsi yanında İctimai Şuranın üzvləri iştirak edərək qayıdışa hazırlıq məsələləri ilə bağlı fikir və təkliflərini səsləndiriblər.</p>"""

# (date, category key, title_az, title_en, only one language?)
# Titles taken from the seed's "Tədbirlər" listing; where the original site had a
# title in one language only, the other is our translation unless marked.
ARTICLES = [
    (
        "2024-07-24",
        "events",
        "Laçında yaşıl enerji zonasına dəstək tədbiri keçirilib",
        "An event in support of the green energy zone held in Lachin",
        None,
    ),
    (
        "2024-07-10",
        "events",
        "Məcburi köçkünlərin reinteqrasiyaya hazırlanması birgə əməkdaşlığın prioritet istiqaməti ola bilər",
        "Preparing IDPs for reintegration can be a priority of joint cooperation",
        None,
    ),
    (
        "2024-06-28",
        "events",
        "Böyük Qayıdışa həsr edilən nəşrlərin təqdimat mərasimi keçirilib",
        "",
        "az",
    ),
    (
        "2024-06-26",
        "events",
        "Silahlı Qüvvələr Gününə həsr olunmuş fləşmob",
        "A flash mob dedicated to Armed Forces Day",
        None,
    ),
    ("2024-06-15", "events", "Milli Qurtuluş Günü ilə bağlı fləşmob", "", "az"),
    (
        "2024-06-05",
        "events",
        "Dövlət Komitəsi Böyük Qayıdışa həsr olunmuş fotosərgi təşkil edib",
        "The State Committee organised a photo exhibition dedicated to the Great Return",
        None,
    ),
    (
        "2024-05-23",
        "events",
        "Dövlət Komitəsində “Şuşa qalası” broşürlar seriyasının təqdimatı keçirilib",
        "",
        "az",
    ),
    (
        "2024-05-21",
        "events",
        "5000-dən çox keçmiş məcburi köçkün mina təhlükəsi ilə bağlı məlumatlandırılıb",
        "More than 5,000 former IDPs informed about mine hazards",
        None,
    ),
    ("2024-05-17", "events", "“Böyük Qayıdış arzuları” kompozisiyası maraqla qarşılanıb", "", "az"),
    (
        "2024-05-09",
        "events",
        "“Bura mənim evimdir” filmi İzmirdə nümayiş olunub",
        "“Here is my home” film was screened in Izmir",
        None,
    ),
    (
        "2024-05-08",
        "events",
        "Dövlət Komitəsi daha bir beynəlxalq mükafata layiq görülüb",
        "The State Committee has been awarded another international prize",
        None,
    ),
    (
        "2024-04-27",
        "events",
        "Laçın rayonunun Sus kəndinə köçürüləcək ailələr arasında püşkatma keçirilib",
        "Drawing held among families to be relocated to Sus Village, Lachin District",
        None,
    ),
    (
        "2024-04-26",
        "meetings",
        "Dövlət Komitəsində Kollegiya iclası keçirilib",
        "A Board Meeting was Held at the State Committee",
        None,
    ),
    ("2024-04-26", "events", "Növbəti köç karvanı Füzuli şəhərinə çatdı", "", "az"),
    (
        "2024-04-19",
        "events",
        "1500-dən çox keçmiş məcburi köçkün üçün mina təhlükəsi üzrə təlim keçirilib",
        "Training on Mine Hazards Held for Over 1500 Former Internally Displaced Persons",
        None,
    ),
    (
        "2024-04-17",
        "meetings",
        "",
        "An election was held for the United Trade Union Committee of the State Committee for Affairs of Refugees and Internally Displaced Persons",
        "en",
    ),
    (
        "2024-04-16",
        "events",
        "Füzuli şəhərinə köçürüləcək ailələr arasında növbəti püşkatma keçirilib",
        "",
        "az",
    ),
    (
        "2024-04-06",
        "events",
        "Dövlət Komitəsinin əməkdaşları üçün ilkin tibbi yardım təlimi keçirilib",
        "Initial first aid training has been provided for the employees of the State Committee",
        None,
    ),
    (
        "2024-03-19",
        "events",
        "Böyük Qayıdışa həsr olunmuş fləşmob keçirilib",
        "A flash mob dedicated to the Great Return took place",
        None,
    ),
    (
        "2024-02-12",
        "press",
        "Mətbuat xidmətinin məlumatı: məcburi köçkünlərə birdəfəlik yardım ödənilib",
        "Press service statement: one-off assistance paid to IDPs",
        None,
    ),
    (
        "2024-01-20",
        "press",
        "20 Yanvar faciəsinin qurbanlarının xatirəsi anılıb",
        "Victims of the 20 January tragedy commemorated",
        None,
    ),
    (
        "2023-12-05",
        "meetings",
        "Dövlət Komitəsinin sədri BMT Qaçqınlar üzrə Ali Komissarlığının nümayəndəsi ilə görüşüb",
        "Chairman of the State Committee met the UNHCR representative",
        None,
    ),
    (
        "2023-11-10",
        "press",
        "Zəfər Günü münasibətilə məcburi köçkün ailələrinə hədiyyələr təqdim olunub",
        "",
        "az",
    ),
    (
        "2023-10-02",
        "meetings",
        "Şuşa sakinləri ilə görüş keçirilib",
        "A meeting was held with residents of Shusha",
        None,
    ),
]

KHANKENDI = {
    "date": "2023-09-27",
    "category": "events",
    "title_az": "Dövlət Komitəsində Xankəndi sakini olan azərbaycanlılarla görüş keçirilib",
    "title_en": "A meeting was held with Azerbaijani residents of Khankendi at the State Committee",
    "body_az": KHANKENDI_AZ,
    "body_en": KHANKENDI_EN,
    "views": 2629,
}

CATEGORIES = [
    ("events", 1, "Tədbirlər", "Events"),
    ("meetings", 2, "Görüşlər", "Meetings"),
    ("press", 3, "Mətbuat xidmətinin məlumatı", "Press service statements"),
]

QUOTE = {
    "quote_text_az": "“... Bütün işğal olunmuş bölgələrdən qovulmuş və hazırda qaçqın və məcburi köçkün kimi yaşayan vətəndaşların problemləri bizim üçün və şəxsən mənim üçün bir nömrəli problemdir”.",
    "quote_text_en": "“... The problems of citizens expelled from all occupied regions and now living as refugees and internally displaced persons are the problem number one for us and for me personally”.",
    "quote_attribution_az": "Heydər Əliyev",
    "quote_attribution_en": "Heydar Aliyev",
    "address_az": "Bakı şəhəri, Ü. Hacıbəyov küçəsi, 40",
    "address_en": "40 U. Hajibeyov Street, Baku",
    "phone": "+994 12 493 00 00",
    "email": "info@example.gov.az",
}

PAGES = [
    (
        "about",
        1,
        "Komitə haqqında",
        "About the Committee",
        "<p>Qaçqınların və Məcburi Köçkünlərin İşləri üzrə Dövlət Komitəsi qaçqın və məcburi köçkünlərin sosial müdafiəsi, məskunlaşması və Böyük Qayıdış proqramının həyata keçirilməsi sahəsində dövlət siyasətini həyata keçirən mərkəzi icra hakimiyyəti orqanıdır.</p>",
        "<p>The State Committee for Affairs of Refugees and Internally Displaced Persons is the central executive body that carries out state policy on the social protection and resettlement of refugees and IDPs and on the Great Return programme.</p>",
    ),
    (
        "leadership",
        2,
        "Rəhbərlik",
        "Leadership",
        "<p>Dövlət Komitəsinin sədri: Rövşən Rzayev.</p>",
        "<p>Chairman of the State Committee: Rovshan Rzayev.</p>",
    ),
    (
        "contacts",
        3,
        "Əlaqə",
        "Contacts",
        "<p>Ünvan: Bakı şəhəri, Ü. Hacıbəyov küçəsi, 40. Qəbul günləri: bazar ertəsi – cümə, 9:00–18:00.</p>",
        "<p>Address: 40 U. Hajibeyov Street, Baku. Reception: Monday to Friday, 9:00–18:00.</p>",
    ),
    (
        "legislation",
        4,
        "Qanunvericilik",
        "Legislation",
        "<p>Qaçqın və məcburi köçkünlərin hüquqlarını tənzimləyən qanunvericilik aktları.</p>",
        "<p>Legal acts governing the rights of refugees and internally displaced persons.</p>",
    ),
]

# Topics and places: (kind, name_az, name_en, words). An article is tagged when a word
# of its titles or texts begins with one of the words, as search matches them
# (core.text.search_text), so "Laçında" and "Lachin" both make it a Laçın article.
TAGS = [
    ("place", "Xankəndi", "Khankendi", ["Xankəndi"]),
    ("place", "Laçın", "Lachin", ["Laçın", "Sus"]),
    ("place", "Füzuli", "Fuzuli", ["Füzuli"]),
    ("place", "Şuşa", "Shusha", ["Şuşa"]),
    ("topic", "Böyük Qayıdış", "Great Return", ["Qayıdış", "Return", "köç", "köçürül", "relocat"]),
    ("topic", "Mina təhlükəsi", "Mine safety", ["mina", "mine"]),
    ("topic", "Fləşmob", "Flash mobs", ["fləşmob", "flash"]),
    (
        "topic",
        "Beynəlxalq əməkdaşlıq",
        "International cooperation",
        ["BMT", "UNHCR", "beynəlxalq", "international", "İzmir"],
    ),
    ("topic", "Təlimlər", "Training", ["təlim", "training"]),
]

# The Khankendi article's gallery: (caption_az, caption_en).
GALLERY = [
    ("Görüş iştirakçıları", "Participants of the meeting"),
    ("Sədr çıxış edir", "The chairman speaks"),
    ("İctimai Şuranın üzvləri", "Members of the Public Council"),
]
