"""Words that carry no topic: German function words, fillers and polite phrases.

Question words that do carry intent (wann, wer, warum) are deliberately absent; rarity
weighting decides how much they count. Forms are normalised (ae/oe/ue, lowercase).
"""

from __future__ import annotations


def words(text: str) -> frozenset[str]:
    """The whitespace-separated words of a block of text."""
    return frozenset(text.split())


STOP_WORDS: frozenset[str] = words(
    """
    a ab aber alle allem allen aller alles als also am an auch auf aus bei beim
    bin bis bist bitte bzw ca da dabei dadurch dafuer daher damit dann daran darauf darf darueber
    das dass davon dazu dein deine dem den denen denn der des dessen deshalb die dies diese diesem
    diesen dieser dieses doch dort du durch eben eigentlich ein eine einem einen einer eines
    einfach einmal einige er es etc etwa etwas euch euer eure eurem euren eurer fuer ganz gar
    gebe geben gegeben gehabt gehen geht gehts genau gerade gern gerne gibt gibts gilt habe haben
    habt halt hast hat hatte hatten haette haetten hier ich ihm ihn ihnen ihr ihre ihrem ihren
    ihrer im immer in infos info information informationen ins irgendwie ist ja je jemand jetzt
    aeh aehm oehm hm hmm kann kan kannst kein keine keinen koennen koennt koennte koennten
    lassen lasse laesst man manche
    mal mehr mein meine meinem meinen meiner mich mir mit moechte moechten moechtest moeglich
    moeglichkeit muss muessen musst na nach naechste naechsten nein nicht nichts noch nun nur ob
    oder ohne schon sehr sei seid sein seine sich sie sind so sog soll sollen sollte sollten
    sondern sowie sprich ueber ueberhaupt um und uns unser unsere unserem unseren unserer unter
    per via usw viel viele vielleicht vom von war waere waren warst was weil welche welchem welchen
    welcher welches wenn werde werden wieder wie wieviel wieviele will wir wird wirst wo woher
    wohin wollen wollte wollten wuerde wuerden wurde zb z b zu zum zur zwar
    hallo hi hey moin servus danke dank vielen herzlichen tschuess ciao bye gruss gruesse lg mfg
    freundlichen liebe lieber liebes geehrte geehrter bot okay ok super prima
    kurz kurze frage hab nochmal nochmals eigentl bekommen bekomme bekommt erfahren wissen sagen
    erklaeren erzaehl erzaehlen brauche brauchen braucht braeuchte braeuchten benoetige
    benoetigen benoetigt teil anspruch nimmt nehmen wem uebrigens
    irgendwas jemanden komme kommen kommt sache sachen ding dinge zeug
    zusammenhang bezug hinblick meiner meinem meines deiner deinem sowas ach achso genauso ebenso
    fuers fuern aufs aufm ans welcherlei
    fur uber konnen konnte konnten mochte mochten mussen musste wurden dafur daruber pro
    u bzgl bzgln ggf evtl vllt vlt iwie wuerd haett ua uvm ums durchs uebers
    ihres eures unseres deines meines seines
    """
)
# English function words in German messages ("Ihr habt so einen Kurs, right? What's it
# about?"): they carry no topic either. (Words that are German too, "will", "also", stay out.)
ENGLISH_STOP_WORDS: frozenset[str] = words(
    """
    what whats the is isnt it its about there theres any our your you we they this that these
    those with of to at from by for and or but can could would should do does did please right
    just really yes okay thanks thank anyway like maybe some something anything here how who
    which whom whose are was been be have has had get got our us me my
    """
)
STOP_WORDS = STOP_WORDS | ENGLISH_STOP_WORDS

# Phrases that frame a question without saying anything about its topic; dropped whole.
STOP_PHRASES: tuple[str, ...] = (
    "ich möchte wissen", "ich würde gerne wissen", "ich würde gern wissen", "wir möchten wissen",
    "ich habe eine frage", "ich hätte eine frage", "ich hab eine frage", "eine frage",
    "mich würde interessieren", "uns würde interessieren", "ich wollte fragen",
    "ich wollte mal fragen", "darf ich fragen", "darf ich mal fragen", "dürfte ich fragen",
    "darf man fragen", "möchte ich fragen", "ich möchte fragen", "wollte ich fragen",
    "kann ich fragen", "können sie mir sagen", "kannst du mir sagen", "könnt ihr mir sagen",
    "weißt du", "wissen sie", "gibt es",
    # Officialese for "as part of", not the political frame ("In welchem Rahmen …?").
    "im rahmen der", "im rahmen des", "im rahmen von", "im rahmen eines", "im rahmen einer",
    "im rahmen ihrer", "im rahmen ihres", "im rahmen eurer", "im rahmen eures",
    # Letter openings and closings ("Sehr geehrte Damen und Herren, …").
    "sehr geehrte damen und herren", "damen und herren", "mit freundlichen grüßen",
    "freundliche grüße", "viele grüße", "beste grüße", "liebe grüße",
    # "together with" names company, not the dialogue the workshops are about.
    "zusammen mit", "gemeinsam mit",
    # Requests in the third person of a formal letter ("Der Unterzeichnende bittet um Auskunft").
    "bittet um auskunft", "bitte um auskunft", "bitten um auskunft", "bittet um mitteilung",
    "bitte um mitteilung", "bitten um mitteilung", "bittet er", "bittet sie",
    "bitte ich um mitteilung", "bitte ich um auskunft", "bitten wir um mitteilung",
    "bitten wir um auskunft",
    # Officialese for "how" ("auf welchem Wege ein Ersuchen zu stellen ist"), no way to travel.
    "auf welchem wege", "auf welchem weg",
    # Hearsay: someone heard something ("mein Stellvertreter hat da was gehört"), not who
    # belongs to the target group ("gehört").
    "habe gehört", "hab gehört", "haben gehört", "hat gehört", "was gehört", "etwas gehört",
    "davon gehört", "da was gehört", "zu ohren gekommen", "mir ist zu ohren",
    # Officialese for the provider ("durch Ihr Haus", "Ihres Hauses"): "it", no building.
    "durch ihr haus", "ihres hauses", "ihrem hause", "ihrem haus", "aus ihrem hause",
    "von ihrem haus", "von ihrem hause", "ihr haus",
    "erlaube ich mir die frage", "erlaube mir die frage", "erlauben wir uns die frage",
    # "in detail": how much the writer wants to know, not an overview of the offer.
    "im einzelnen", "im detail", "in einzelnen",
    # A change of topic says nothing about the new topic ("Etwas anderes: …").
    "etwas anderes", "was anderes", "noch etwas anderes", "eine andere frage", "anderes thema",
    "ein anderes thema", "andere sache", "andere frage", "weitere frage", "noch eine frage",
    "zweite frage", "nächste frage", "letzte frage", "neue frage", "noch was anderes",
)
