"""Everyday German words that never name the topic of a question.

The matcher counts a word it does not know as evidence against a match, because unknown nouns
(Reisepass, Feuerwehr) mark questions outside the offer. Ordinary words around a question
("wirklich", "trotzdem", "meinte", "ländlich") are no such evidence: listing them here keeps
long, chatty questions from looking foreign. Words that do carry an intent of the offer
(wann, warum, kosten, dauern …) belong in the synonym table instead, which is read first.

Forms are normalised (lowercase, ae/oe/ue, ss); inflected forms also match through their stems.
"""

from __future__ import annotations

from bot.matching.stopwords import words

# Adverbs, particles, conjunctions and colloquial short forms.
_PARTICLES = words(
    """
    wirklich tatsaechlich trotzdem dennoch jedoch allerdings sowieso ohnehin bereits eh
    eher etwa ungefaehr circa rund insgesamt generell grundsaetzlich prinzipiell
    normalerweise ueblicherweise gewoehnlich meist meistens oft oefter haeufig manchmal selten nie
    niemals immer stets jemals je irgendwann irgendwo irgendwie irgendwas irgendein irgendeine
    irgendeinen irgendwelche woanders anderswo sonst ansonsten sonstwie ausserdem zudem zusaetzlich
    ebenfalls ebenso gleichfalls auch noch schon erst bald spaeter frueher vorher nachher danach
    zuerst zunaechst anschliessend schliesslich endlich heute gestern morgen uebermorgen
    aktuell derzeit momentan zurzeit gerade grad inzwischen mittlerweile neulich kuerzlich
    damals dann nun jetzt gleich sofort demnaechst hier dort da drueben dahin dorthin hierher
    sommer winter herbst fruehjahr fruehling umgebung umland woche wochen monat monate monaten
    gleichzeitig zugleich zeitgleich parallel formal formell formlos btw
    hin her raus rein rueber runter hoch herum rum drum dran drauf drin drueber draussen drinnen
    ja nein doch mal eben halt wohl sicher sicherlich natuerlich klar quasi sozusagen
    einfach bloss lediglich sogar selbst selber extra speziell besonders vor allem
    ziemlich total echt voll ganz sehr recht relativ eigentlich uebrigens ueberhaupt
    deshalb deswegen darum daher dafuer dagegen dabei dazu davon daran darauf darin
    darunter damit davor dadurch daneben hierzu hierfuer hiermit hierbei
    weshalb somit also folglich jedenfalls immerhin zumindest mindestens hoechstens
    leider hoffentlich gluecklicherweise vermutlich wahrscheinlich angeblich offenbar
    bestimmt vielleicht eventuell evtl ggf gegebenenfalls unbedingt ueberhaupt tja naja
    okay ok yes no nee ne nen nem ner n is isses gibts gehts wars hats ists gern gerne
    bitteschoen bittesehr mfg lg vg gruss viele gruesse beste
    sowohl weder noch entweder falls sobald solange waehrend obwohl obgleich trotz
    anstelle seit seitdem bevor nachdem damit sodass indem ausser gegen gegenueber
    ohne samt neben zwischen hinter vor innerhalb ausserhalb laut gemaess zwecks bezueglich
    hinsichtlich wegen mittels
    beide beiden beider jede jeder jedes jeden jedem jeweils saemtliche alle alles allem
    nichts nix etwas was jemand niemand jemandem niemandem
    welches solch solche solcher solches derart derartig dergleichen
    meiste meisten wenige wenigen weniger wenigste einige einiger manche mancher
    ersten erste erster zweiten zweite letzte letzten letzter naechstes
    erstens zweitens drittens viertens letztens
    """
)

# Frequent verbs in their common forms (stems catch most of the rest).
_VERBS = words(
    """
    sein bin bist ist sind seid war waren warst gewesen waere waeren
    haben habe hast hat habt hatte hatten gehabt haette haetten
    werden werde wirst wird werdet wurde wurden geworden wuerde wuerden
    tun tue tut tust getan tat
    durchfuehrt durchgefuehrt durchfuehrte
    machen mache machst macht gemacht machte
    gehen gehe gehst geht ging gingen gegangen
    stehen stehe steht stand gestanden
    liegen liege liegt lag gelegen
    sitzen sitzt sass
    sehen sehe siehst sieht sah gesehen schauen schaue schaut geschaut gucken guck guckt
    finden finde findest findet fand gefunden
    stattfinden stattfindet stattfinde stattgefunden stattfand stattfanden zustande
    zusammenhaengen zusammenhaengt zusammenhing
    geben gebe gibst gibt gab gegeben
    nehmen nehme nimmst nimmt nahm genommen
    bringen bringe bringst bringt brachte gebracht
    lassen lasse laesst liess gelassen
    sagen sage sagst sagt sagte gesagt
    frage fragst fragt fragte gefragt nachfragen
    antworten antwortet beantworten beantwortet
    wissen weiss weisst wisst wusste gewusst
    glauben glaube glaubst glaubt denken denke denkst denkt dachte gedacht
    meinen meine meinst meint meinte gemeint
    hoffen hoffe hofft finden
    suchen suche suchst sucht suchte gesucht
    kriegen kriege kriegst kriegt
    benoetigen benoetige benoetigt
    moegen mag magst moechten
    duerfen darf darfst duerft durfte
    sollen soll sollst sollt sollte
    muessen muss musst muesst musste
    koennen kann kannst koennt konnte
    wollen will willst wollt wollte
    stimmen stimmt stimmte
    heissen heisst hiess
    bedeuten bedeutet bedeutete
    verstehen verstehe verstehst versteht verstanden
    vorstellen vorstelle vorstellt
    beschreiben beschreibt
    nennen nennt zeigen zeige zeigt lesen liest gelesen
    herausfinden herauszufinden rausfinden
    schicken schicke schickt geschickt
    passen passt gepasst
    klappen klappt geklappt
    bitten bitte bittet gebeten
    gehoere gehoerst
    ueberlegen ueberlege ueberlegt
    interessieren interessiert interessiere
    empfehlen empfiehlt empfohlen
    versuchen versuche versucht
    probieren probiere probiert
    beachten beachte beachtet
    schaffen schaffe schafft geschafft
    merken merke merkt gemerkt reden redet geredet reichen reicht gereicht
    rechnen rechne rechnet gerechnet einplanen einplant eingeplant
    erwaehnen erwaehnt erwaehnte erwaehnten ueberlegt ueberlegen leiten leite leitet
    ansetzen ansetzt angelegt anlegen bleibt bleiben entstehen entsteht entstehende
    aendern aendert taetig ausgelastet hatte klaeren klaert geklaert
    fuehren fuehre fuehrt fuehrst fuehrte fuehrten gefuehrt
    wuesste wuessten wuesstest erklaert erklaere erklaerst erklaerte auflisten auflistet
    aufzaehlen aufzaehlt aufgelistet aufgezaehlt zitieren zitiert
    """
)

# Adjectives and their common forms that describe rather than name a topic.
_ADJECTIVES = words(
    """
    gut gute guten guter gutes besser beste besten schlecht schlechte
    unbekannt unbekannte unbekannten ungern
    gross grosse grossen grosser kleinere groesser groessere
    neu neue neuen neuer neues alt alte alten
    jung junge jungen
    schnell schnelle langsam
    wichtig wichtige richtig richtige falsch sinnvoll sinnvolle
    schwierig schwer leicht
    genau konkret konkrete allgemein allgemeine normal normale typisch
    interessant spannend toll super prima schoen
    verschiedene verschiedenen unterschiedlich unterschiedliche bestimmte bestimmten gewisse
    moeglich moegliche moeglichen noetig notwendig erforderlich
    ueblich uebliche sicher unsicher klar unklar
    laendlich laendlichen laendliche abgelegen laendlicher
    knapp knappe knappen knappem knapper eng
    viel viele vielen wenig wenige paar dutzend dutzende hundert hunderte tausend handvoll
    offen offene fest feste festen fachlich fachliche fachlichen passend passende passendes
    eigene eigenen eigener rein kaum ganze ganzen oben unten fertig erledigt erledigen
    foermlich foermliches foermlichen formlich formliches
    intern interne internen interner internes extern externe externen externer externes
    """
)

# Officialese: the fillers of letters to and from an administration ("seitens", "diesbezüglich",
# "beabsichtigen", "eine kurze Darstellung", "die korrekte Bezeichnung"). Their register says
# nothing about the topic; unknown, they would count as evidence of another one.
_OFFICIALESE = words(
    """
    seitens betreff betreffend betreffs diesbezueglich entsprechend entsprechende entsprechenden
    rueckfrage nachfrage
    entsprechender beabsichtigen beabsichtige beabsichtigt beabsichtigten darstellung
    erstellung
    bezeichnung mitteilen mitteilt mitzuteilen angeben anzugeben benennen korrekt korrekte
    korrekten vorab laufend laufenden vorgesehen vorsehen eingeplant informieren informiert
    erbeten ersuchen ersuche vorliegen vorliegt erfolgen erfolgt nachstehend anbei insoweit
    sofern zeitnah zeitnahe nachfolgend folgende folgenden vorgenannt vorgenannten jeweilig
    jeweiligen kuenftig zukuenftig perspektivisch erwaegen anstreben einholen
    beruecksichtigen einstimmig stellungnahme sachstand kenntnis vorgabe vorgaben orientieren
    mithin somit demnach folglich insofern ferner zudem ueberdies erwaegt erwaege hinzuweisen
    recherchieren recherchiere recherchiert obliegt obliegen obliegenheit eruieren eruiere
    verursachen verursacht verursachte hoeflich hoeflichst
    verfolgen erhalten einhalten gewaehrleisten sicherstellen kurzfristig beschreibung
    az aktenzeichen gem gemaess pruefauftrag pruefbitte vermerk wiedervorlage wv go gemo
    """
)

# Nouns that frame a question but are never what it is about.
_FRAME_NOUNS = words(
    """
    beispiel beispiele beispielsweise bsp
    frage antwort antworten auskunft auskuenfte info infos information informationen angabe
    angaben flyer flyern broschuere faltblatt infoblatt infozettel aushang homepage website
    themenwechsel themawechsel
    webseite internetseite
    sache sachen ding dinge zeug kram
    fall faelle falls weise art arten sinn
    punkt punkte seite seiten stelle
    idee ideen tipp tipps hinweis hinweise
    problem probleme
    erklaerung erklaerungen auflistung aufzaehlung ueberblicksliste
    jahr jahre jahres dieses jahr
    richtung berg kante stelle ebene einzelnen vorhaben obergrenze
    """
)

# Last parts of the names of a municipality's bodies, offices and roles (Haupt-ausschuss,
# Senioren-beirat, Gleichstellungs-beauftragte, Ordnungs-amt, Fachbereichs-leiter). They say who
# asks or who decides, not what about: an unknown compound ending in one is no foreign topic.
# Stemmed forms; the part before must have three letters at least.
ORG_HEADS = words(
    """
    ausschuss ausschuess beirat beiraet beauftragt beauftragter leitung leit leiterin abteilung
    vertretung vorlag verwaltung referat konferenz vorsteh vorsteherin direktor
    direktorin amt aemt management koordination koordinator koordinatorin agentur vorsitzend
    fraktion gremium gremi kommission sitzungsvorlag sitzung kanzlei bezirk buero bueros
    gemeind kommun ring
    """
)
# Officials and offices named by one word (stemmed).
ORG_WORDS = words(
    """
    kaemmer kaemmerei kaemmerin amtsleitung amtsleit buergervorsteh buergervorsteherin
    amtsdirektor amtsdirektorin hauptamt ordnungsamt sozialamt jugendamt fachdienst
    fachbereich sachgebiet dezernat dezernent dezernentin landrat landraetin kreistag
    gemeinderat stadtrat ortsbeirat beirat beiraet magistrat buergermeist buergermeisterin
    landtag bundestag ratsversammlung buergerschaft abgeordnet abgeordnete abgeordneten chef
    chefin vorgesetzt stellvertret stellvertreterin vorsitzend vorsitz vorstand mitglied
    unterzeichnend unterzeichn unterzeichnerin mandant mandantin bezirk stadtbezirk pastor
    pastorin pfarr pfarrerin diakon diakonin priest pastorat jugendpfleg jugendpflegerin
    """
)
# Groups of people engagement is for ("mehr Jugendliche ins Ehrenamt bringen", "mit Senioren"):
# like a role, they say whom the question concerns, hardly another topic (stemmed).
_PEOPLE_GROUPS = words(
    """
    jugendlich senior seniorin kind eltern famili rentn rentnerin neubuerg zugezogen schuel
    schuelerin studierend nachwuch
    """
)
# Words that say who asks or whom the question concerns, each one word: they weigh little.
ROLE_WORDS = ORG_WORDS | _PEOPLE_GROUPS
FRAME_NOUNS = _FRAME_NOUNS
GENERAL_WORDS: frozenset[str] = _PARTICLES | _VERBS | _ADJECTIVES | _FRAME_NOUNS | _OFFICIALESE

# Words that name a topic the offer never covers live in knowledge/foreign.yaml, so the team
# can edit them (bot/matching/foreign.py reads them).
