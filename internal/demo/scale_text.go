package demo

// Words for the large generated data set (scale.go): names, places,
// group patterns, thread titles and replies in the languages peers write
// in. Replies also draw on the scripted demo threads in discussions.go,
// so the same voices carry over.

// scaleNames are first names and nicknames handles are made from.
var scaleNames = []string{
	"amina", "anouk", "bart", "bogdan", "carla", "daan", "dasha", "dee", "elif", "emre",
	"fatima", "femke", "gintare", "hugo", "ilse", "ines", "ivan", "jana", "joao", "jules",
	"kai", "katya", "lars", "lea", "lina", "lotte", "luka", "maja", "marek", "maria",
	"mateus", "max", "mehmet", "milan", "nadia", "nika", "noor", "olek", "olga", "pavel",
	"pia", "rafael", "rosa", "ruth", "sam", "sanne", "sergei", "sina", "sofia", "stas",
	"tamar", "teo", "tess", "vera", "vika", "wim", "yara", "yusuf", "zofia", "zoe",
}

// scaleCity is a place groups meet and members live, with the language
// spoken there (after English, which every group may use).
type scaleCity struct{ name, lang string }

var scaleCities = []scaleCity{
	{"Amsterdam", "nl"}, {"Rotterdam", "nl"}, {"Utrecht", "nl"}, {"Antwerp", "nl"}, {"Ghent", "nl"}, {"Groningen", "nl"},
	{"Riga", "ru"}, {"Tallinn", "ru"}, {"Vilnius", "ru"}, {"Chisinau", "ru"}, {"Tbilisi", "ru"}, {"Almaty", "ru"},
	{"Berlin", "de"}, {"Hamburg", "de"}, {"Vienna", "de"}, {"Zurich", "de"},
	{"Prague", "cs"}, {"Brno", "cs"}, {"Lisbon", "pt"}, {"Porto", "pt"},
	{"Dublin", "en"}, {"Glasgow", "en"}, {"Manchester", "en"}, {"Bristol", "en"}, {"Cardiff", "en"}, {"Online", "en"},
}

// scalePattern names a kind of group; %s is the city. lang "" fits any
// city, otherwise only cities speaking that language.
type scalePattern struct {
	name, kind, lang string
	topics           []string
}

var scalePatterns = []scalePattern{
	{"%s Peer Support Circle", "discussion-group", "", []string{"peer support", "mental health"}},
	{"%s Drug User Union", "users-union", "", []string{"harm reduction", "users' union", "policy"}},
	{"Positive Voices %s", "self-organisation", "", []string{"HIV", "peer counselling"}},
	{"%s Hearing Voices Group", "discussion-group", "", []string{"mental health", "peer support"}},
	{"%s Harm Reduction Collective", "self-organisation", "", []string{"harm reduction", "naloxone"}},
	{"%s Methadone Patients' Council", "users-union", "", []string{"opioid agonist treatment", "client participation"}},
	{"%s Housing First Residents", "self-organisation", "", []string{"housing", "tenants' rights"}},
	{"Women Who Use Drugs %s", "self-organisation", "", []string{"women", "harm reduction"}},
	{"%s Client Advisory Group", "integrated-initiative", "", []string{"client participation", "harm reduction"}},
	{"%s Night Outreach Peers", "collaboration", "", []string{"nightlife", "drug checking"}},
	{"%s Naloxone Champions", "collaboration", "", []string{"naloxone", "overdose prevention"}},
	{"%s Young People's Voice", "discussion-group", "", []string{"young people", "mental health"}},
	{"%s Trans Peer Network", "self-organisation", "", []string{"trans health", "sexual health"}},
	{"%s Migrants' Health Circle", "discussion-group", "", []string{"migration", "health access"}},
	{"%s Service Users' Forum", "users-union", "", []string{"mental health", "recovery"}},
	{"%s Hepatitis C Peers", "self-organisation", "", []string{"hepatitis C", "testing"}},
	{"%s Release Buddies", "collaboration", "", []string{"prison", "housing"}},
	{"%s Chemsex Support", "discussion-group", "", []string{"chemsex", "sexual health"}},
	{"%s Parents Who Use Drugs", "discussion-group", "", []string{"parents", "harm reduction"}},
	{"%s Shelter Residents' Committee", "users-union", "", []string{"housing", "client participation"}},
	{"%s PrEP Peer Educators", "collaboration", "", []string{"HIV", "PrEP", "sexual health"}},
	{"Gebruikersraad %s", "users-union", "nl", []string{"client participation", "harm reduction"}},
	{"Ervaringsdeskundigen %s", "self-organisation", "nl", []string{"mental health", "recovery"}},
	{"Cliëntenraad Verslavingszorg %s", "integrated-initiative", "nl", []string{"client participation", "opioid agonist treatment"}},
	{"Группа взаимопомощи %s", "self-organisation", "ru", []string{"HIV", "peer support"}},
	{"Равные консультанты %s", "collaboration", "ru", []string{"HIV", "peer counselling"}},
	{"Сообщество людей, употребляющих наркотики, %s", "users-union", "ru", []string{"harm reduction", "policy"}},
	{"Peer-Netzwerk %s", "self-organisation", "de", []string{"harm reduction", "peer support"}},
	{"Selbsthilfe Substitution %s", "users-union", "de", []string{"opioid agonist treatment", "client participation"}},
	{"Peer síť %s", "self-organisation", "cs", []string{"harm reduction", "nightlife"}},
	{"Grupo de Pares %s", "self-organisation", "pt", []string{"harm reduction", "HIV"}},
}

// scaleAbout are sentences a group's about text is made of; %s is the city.
var scaleAbout = map[string][]string{
	"en": {
		"We are peers in %s who meet every other week to talk about the services we use.",
		"Everyone with lived experience is welcome. You do not have to say anything at your first meeting.",
		"We bring what members tell us to the service managers and report back what they answered.",
		"Members are paid for their time on the advisory board, in cash, and travel costs are covered.",
		"We meet in a room with step-free access; tell us if you need anything else to take part.",
		"Nobody needs to give their real name here.",
		"We started in %s after the drop-in centre changed its opening hours without asking anyone.",
		"Our next step is a survey at the counter, written by peers and read by peers.",
	},
	"nl": {
		"Wij zijn ervaringsdeskundigen in %s en komen om de week bij elkaar.",
		"Iedereen met eigen ervaring is welkom. Je hoeft de eerste keer niets te zeggen.",
		"We brengen wat leden ons vertellen naar de instelling en laten weten wat die antwoordt.",
		"Leden krijgen een vergoeding voor hun tijd en de reiskosten worden betaald.",
	},
	"ru": {
		"Мы — равные консультанты и люди с собственным опытом в городе %s.",
		"Встречаемся раз в две недели. На первой встрече можно просто слушать.",
		"Мы передаём руководству службы то, что говорят клиенты, и рассказываем, что они ответили.",
		"Настоящее имя называть не нужно.",
	},
	"de": {
		"Wir sind Menschen mit eigener Erfahrung in %s und treffen uns jeden zweiten Donnerstag.",
		"Alle sind willkommen. Beim ersten Treffen muss niemand etwas sagen.",
	},
	"cs": {
		"Jsme lidé s vlastní zkušeností z města %s a scházíme se každý druhý čtvrtek.",
		"Vítáni jsou všichni. Na prvním setkání nemusíte nic říkat.",
	},
	"pt": {
		"Somos pares com experiência vivida em %s e reunimo-nos de quinze em quinze dias.",
		"Todas as pessoas são bem-vindas. Na primeira reunião não precisa de dizer nada.",
	},
}

// scaleTitles are thread titles, about a {city} or a group's {topic}.
var scaleTitles = map[string][]string{
	"en": {
		"Meeting on Thursday: agenda and who is coming", "Travel costs for the advisory board",
		"What the service said about our recommendations", "Naloxone training in {city}: who wants to go?",
		"New opening hours at the drop-in", "How do we welcome new people?", "Minutes from last week",
		"Is anyone else waiting months for a dose review?", "Ideas for the summer outreach",
		"Housing office in {city} keeps losing forms", "Payment for the survey work: cash or voucher?",
		"Looking for a venue in {city}", "Who speaks for us at the city consultation?",
		"Peer worker job at the clinic: worth applying?", "Our answer to the consultation on {topic}",
		"Signal group rules", "Drug checking results from the weekend", "Sharing stories for the testimony request",
		"Pharmacy refused my prescription again", "Thank you all for this year",
	},
	"nl": {
		"Bijeenkomst donderdag: agenda", "Reiskosten voor de cliëntenraad", "Wat antwoordde de instelling?",
		"Naloxontraining in {city}", "Nieuwe openingstijden van de inloop", "Hoe verwelkomen we nieuwe mensen?",
		"Verslag van vorige week", "Vergoeding voor het enquêtewerk", "Wie gaat er mee naar het overleg in {city}?",
		"Zaal gezocht in {city}",
	},
	"ru": {
		"Встреча в четверг: повестка", "Компенсация за участие в совете", "Что ответила служба на наши предложения",
		"Тренинг по налоксону в городе {city}", "Новые часы работы пункта обмена", "Как встречать новых людей?",
		"Протокол прошлой встречи", "Ищем помещение для встреч", "Кто пойдёт на консультацию в городе {city}?",
		"Опыт получения заместительной терапии",
	},
	"de": {"Treffen am Donnerstag: Tagesordnung", "Fahrtkosten für den Beirat", "Neue Öffnungszeiten im Kontaktladen", "Naloxon-Schulung in {city}"},
	"cs": {"Setkání ve čtvrtek: program", "Cestovné pro poradní skupinu", "Nová otevírací doba kontaktního centra", "Školení naloxonu v {city}"},
	"pt": {"Reunião de quinta-feira: ordem de trabalhos", "Despesas de viagem do conselho consultivo", "Novo horário do centro de acolhimento", "Formação em naloxona em {city}"},
}

// scaleShort are quick replies.
var scaleShort = map[string][]string{
	"en": {
		"Thank you, this helps a lot.", "Same here.", "I can come on Thursday.", "Count me in.",
		"We saw the same thing last year.", "Good point. I had not thought of that.", "Agreed.",
		"Sorry, I cannot make it this time. Please share the notes.", "This is great news!",
		"Who else is going? I would rather not go alone.", "Take care, everyone.", "+1",
		"Can someone explain what that means for people on a waiting list?", "I will bring the leaflets.",
		"Thanks for writing this down.", "Welcome! Glad you found us.",
	},
	"nl": {
		"Dank je, dit helpt echt.", "Hier hetzelfde.", "Ik kan donderdag.", "Ik doe mee.", "Eens.",
		"Goed punt.", "Sorry, deze keer lukt het niet. Wil iemand de notulen delen?", "Welkom!",
	},
	"ru": {
		"Спасибо, очень помогает.", "У нас так же.", "Я смогу в четверг.", "Я с вами.", "Согласен.",
		"Хорошая мысль.", "Извините, в этот раз не получится. Поделитесь протоколом?", "Добро пожаловать!",
	},
	"de": {"Danke, das hilft.", "Bei uns genauso.", "Ich bin dabei.", "Willkommen!"},
	"cs": {"Díky, to pomáhá.", "U nás stejně.", "Jdu do toho.", "Vítej!"},
	"pt": {"Obrigada, ajuda muito.", "Aqui é igual.", "Conta comigo.", "Bem-vindo!"},
}

// scaleLong are longer replies and thread openings.
var scaleLong = map[string][]string{
	"en": {
		"We tried this in our group last spring. What worked was asking the service to put its answer in writing, with a date. Without a date nothing moved.",
		"I went to the meeting with the clinic manager. She listened, but said the budget is decided by the city. So next time we should invite someone from the city as well.",
		"For me the hardest part is the first meeting. Nobody knows anyone and people are afraid of being seen. Meeting somewhere away from the service helped us a lot.",
		"A practical tip: keep a list of what was promised and by whom. Read it out at the start of every meeting. It is amazing how quickly things get done once they are read out.",
		"I have been on the waiting list for four months. The staff are kind but they say there are no places. Is there anyone here who found a way around this?",
		"Payment matters. If the service pays its staff to sit in the meeting, it should pay us too. Our board now gets 25 euros a meeting and travel costs, and more people come.",
		"Please remember that not everyone can read long documents. Can we ask for a one-page summary in plain language before the consultation?",
		"The outreach team in %s is looking for peers to help at the festival. There is training first and they pay for the shifts.",
		"We wrote down our recommendations and the service answered each one: accepted, in progress or declined with a reason. It took three months, but we have it on paper now.",
		"Some of us cannot use Telegram safely. I suggest we keep the notes here, where only members can read them, and use Signal only for reminders.",
		"Our group started with four people in a kitchen. Now we are twenty and the city asks our opinion. Start small, it works.",
		"I would like to say something at the consultation, but I do not want my name used. Can testimony be anonymous?",
	},
	"nl": {
		"Wij hebben dit vorig voorjaar geprobeerd. Wat werkte: de instelling vragen om een schriftelijk antwoord, met een datum erbij.",
		"Ik was bij het gesprek met de manager. Ze luisterde goed, maar het budget wordt door de gemeente bepaald. Volgende keer nodigen we ook iemand van de gemeente uit.",
		"Voor mij is de eerste bijeenkomst het moeilijkst. Niemand kent elkaar. Ergens anders afspreken dan bij de instelling hielp ons veel.",
		"Een praktische tip: houd een lijst bij van wat er is beloofd en door wie, en lees die aan het begin van elke bijeenkomst voor.",
		"Vergoeding is belangrijk. Als het personeel betaald wordt om erbij te zitten, moeten wij dat ook worden.",
	},
	"ru": {
		"Мы пробовали так прошлой весной. Сработало одно: попросить службу ответить письменно и с датой.",
		"Я была на встрече с руководителем клиники. Она выслушала, но сказала, что бюджет решает город. В следующий раз позовём кого-то из города.",
		"Самое трудное — первая встреча. Никто никого не знает, люди боятся, что их увидят. Нам помогло встречаться не в самой службе.",
		"Практический совет: записывайте, что обещали и кто. Читайте этот список в начале каждой встречи.",
		"Оплата важна. Если сотрудникам платят за участие во встрече, то и нам должны платить.",
	},
	"de": {
		"Wir haben das im letzten Frühjahr versucht. Geholfen hat, die Einrichtung um eine schriftliche Antwort mit Datum zu bitten.",
		"Für mich ist das erste Treffen am schwersten. Niemand kennt sich. Ein Treffpunkt außerhalb der Einrichtung hat uns sehr geholfen.",
	},
	"cs": {
		"Zkoušeli jsme to loni na jaře. Pomohlo požádat zařízení o písemnou odpověď s datem.",
		"Nejtěžší je pro mě první setkání. Nikdo nikoho nezná. Pomohlo nám scházet se mimo zařízení.",
	},
	"pt": {
		"Tentámos isto na primavera passada. O que resultou foi pedir ao serviço uma resposta por escrito, com data.",
		"Para mim o mais difícil é a primeira reunião. Ninguém se conhece. Ajudou muito reunirmo-nos fora do serviço.",
	},
}

// scaleBios are what some members say about themselves.
var scaleBios = []string{
	"Peer worker. Here to help new groups get started.",
	"Living with HIV. Interested in advisory boards that listen.",
	"Mental-health service user and part-time student.",
	"I use the needle exchange and want a say in how it runs.",
	"Ervaringsdeskundige, actief in de cliëntenraad.",
	"Равный консультант, живу с ВИЧ с 2012 года.",
	"On a methadone programme for six years. Ask me about dose reviews.",
	"Outreach volunteer at festivals in summer.",
}

// scaleMeetings are what groups meet about, by language.
var scaleMeetings = map[string][]string{
	"en": {"Monthly members' meeting", "Naloxone training", "Advisory board meeting", "Drop-in and coffee",
		"Planning the summer outreach", "Meeting with the service managers", "Welcome evening for new people", "Peer support circle"},
	"nl": {"Maandelijkse ledenvergadering", "Naloxontraining", "Vergadering cliëntenraad", "Inloop met koffie"},
	"ru": {"Ежемесячная встреча группы", "Тренинг по налоксону", "Заседание консультативного совета", "Встреча для новичков"},
	"de": {"Monatliches Treffen", "Naloxon-Schulung"},
	"cs": {"Měsíční setkání", "Školení naloxonu"},
	"pt": {"Reunião mensal", "Formação em naloxona"},
}

// scaleVenues are rooms groups meet in.
var scaleVenues = []string{"Community centre, room 2", "Public library, meeting room", "The drop-in centre",
	"Neighbourhood house", "Café back room", "Health centre, ground floor"}
