"""Fixed word lists for the synthetic corpus: names, streets, cities, domains.

The lists are part of the generator's output contract: the corpus for a seed is
byte-identical only while these tuples keep their order. Append new entries at
the end (and bump ``GENERATOR_VERSION`` in ``_generate``) rather than re-sorting.
Names are common given names and surnames of varied origins; every combination
is fictional.
"""

from __future__ import annotations

__all__ = [
    "AREA_CODES",
    "CITIES",
    "EMAIL_DOMAINS",
    "FEMALE_FIRST_NAMES",
    "LAST_NAMES",
    "MALE_FIRST_NAMES",
    "STATES",
    "STREET_NAMES",
    "STREET_TYPES",
]

FEMALE_FIRST_NAMES: tuple[str, ...] = (
    "Maria", "Emma", "Olivia", "Sophia", "Isabella", "Mia", "Charlotte", "Amelia", "Harper", "Evelyn",
    "Abigail", "Emily", "Elizabeth", "Sofia", "Avery", "Ella", "Scarlett", "Grace", "Chloe", "Victoria",
    "Riley", "Aria", "Lily", "Aubrey", "Zoey", "Penelope", "Layla", "Nora", "Hannah", "Addison",
    "Eleanor", "Natalie", "Luna", "Savannah", "Brooklyn", "Leah", "Zoe", "Stella", "Hazel", "Ellie",
    "Paisley", "Audrey", "Skylar", "Violet", "Claire", "Bella", "Lucy", "Anna", "Samantha", "Caroline",
    "Genesis", "Aaliyah", "Kennedy", "Kinsley", "Allison", "Maya", "Sarah", "Madelyn", "Adeline", "Alexa",
    "Ariana", "Elena", "Gabriella", "Naomi", "Alice", "Sadie", "Hailey", "Eva", "Emilia", "Autumn",
    "Quinn", "Nevaeh", "Piper", "Ruby", "Serenity", "Willow", "Everly", "Cora", "Kaylee", "Lydia",
    "Aisha", "Fatima", "Amina", "Zainab", "Mariam", "Leila", "Yasmin", "Noor", "Salma", "Huda",
    "Priya", "Ananya", "Deepa", "Kavya", "Lakshmi", "Meera", "Neha", "Pooja", "Sunita", "Anjali",
    "Mei", "Xiu", "Ling", "Yan", "Hui", "Jing", "Li Na", "Fang", "Qing", "Yun",
    "Yuki", "Sakura", "Haruka", "Aiko", "Emi", "Keiko", "Naoko", "Mariko", "Akane", "Rin",
    "Ji-woo", "Seo-yeon", "Min-ji", "Soo-ah", "Ha-eun", "Yuna", "Eun-ji", "Hye-jin", "Da-eun", "Ye-jin",
    "Guadalupe", "Carmen", "Lucia", "Valentina", "Ximena", "Camila", "Daniela", "Fernanda", "Paola", "Rosa",
    "Adaeze", "Chiamaka", "Ngozi", "Folake", "Abena", "Ama", "Nia", "Imani", "Zuri", "Wanjiru",
    "Olga", "Irina", "Natasha", "Svetlana", "Katarzyna", "Agnieszka", "Ilona", "Zofia", "Milena", "Daria",
    "Siobhan", "Aoife", "Niamh", "Saoirse", "Ingrid", "Astrid", "Freya", "Linnea", "Greta", "Elif",
    "Thi Lan", "Linh", "Mai", "Trang", "Leilani", "Malia", "Keala", "Tallulah", "Winona", "Dakota",
)

MALE_FIRST_NAMES: tuple[str, ...] = (
    "Liam", "Noah", "William", "James", "Oliver", "Benjamin", "Elijah", "Lucas", "Mason", "Logan",
    "Alexander", "Ethan", "Jacob", "Michael", "Daniel", "Henry", "Jackson", "Sebastian", "Aiden", "Matthew",
    "Samuel", "David", "Joseph", "Carter", "Owen", "Wyatt", "John", "Jack", "Luke", "Jayden",
    "Dylan", "Grayson", "Levi", "Isaac", "Gabriel", "Julian", "Mateo", "Anthony", "Jaxon", "Lincoln",
    "Joshua", "Christopher", "Andrew", "Theodore", "Caleb", "Ryan", "Asher", "Nathan", "Thomas", "Leo",
    "Isaiah", "Charles", "Josiah", "Hudson", "Christian", "Hunter", "Connor", "Eli", "Ezra", "Aaron",
    "Landon", "Adrian", "Jonathan", "Nolan", "Jeremiah", "Easton", "Elias", "Colton", "Cameron", "Carson",
    "Robert", "Angel", "Maverick", "Nicholas", "Dominic", "Jaxson", "Greyson", "Adam", "Ian", "Austin",
    "Mohammed", "Ahmed", "Omar", "Ali", "Hassan", "Yusuf", "Ibrahim", "Khalid", "Tariq", "Karim",
    "Arjun", "Rohan", "Vikram", "Rahul", "Sanjay", "Amit", "Ravi", "Suresh", "Anil", "Kiran",
    "Wei", "Jun", "Hao", "Ming", "Lei", "Jian", "Tao", "Bo", "Chen", "Zhi",
    "Hiroshi", "Takeshi", "Kenji", "Haruto", "Sota", "Yuto", "Ren", "Daichi", "Kaito", "Riku",
    "Min-jun", "Seo-jun", "Do-yun", "Ji-ho", "Ha-joon", "Joon-ho", "Sung-min", "Hyun-woo", "Tae-yang", "Jae-won",
    "Jose", "Juan", "Carlos", "Luis", "Miguel", "Diego", "Alejandro", "Javier", "Rafael", "Santiago",
    "Chinedu", "Emeka", "Oluwaseun", "Kwame", "Kofi", "Jelani", "Tendai", "Sipho", "Kamau", "Babajide",
    "Dmitri", "Sergei", "Ivan", "Mikhail", "Piotr", "Tomasz", "Jakub", "Pavel", "Bogdan", "Marek",
    "Cian", "Oisin", "Padraig", "Sean", "Lars", "Erik", "Magnus", "Sven", "Anders", "Emre",
    "Minh", "Quang", "Tuan", "Duc", "Kai", "Keoni", "Makoa", "Tahoma", "Koda", "Chayton",
)

LAST_NAMES: tuple[str, ...] = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
    "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
    "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
    "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
    "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
    "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
    "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
    "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
    "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes",
    "Price", "Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez",
    "Khan", "Hussain", "Rahman", "Ahmed", "Hassan", "Haddad", "Nasser", "Saleh", "Farah", "Aziz",
    "Sharma", "Singh", "Gupta", "Kumar", "Reddy", "Iyer", "Nair", "Desai", "Mehta", "Chatterjee",
    "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
    "Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
    "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Shin",
    "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ngo", "Duong",
    "Okafor", "Okonkwo", "Adeyemi", "Mensah", "Owusu", "Kamara", "Diallo", "Mwangi", "Otieno", "Banda",
    "Ivanov", "Petrov", "Smirnov", "Kowalski", "Nowak", "Wisniewski", "Novak", "Horvat", "Popescu", "Kovacs",
    "O'Brien", "O'Connor", "McCarthy", "Byrne", "Gallagher", "Larsen", "Johansson", "Nielsen", "Schmidt", "Muller",
    "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Silva", "Santos", "Oliveira", "Costa", "Pereira",
    "Yilmaz", "Kaya", "Demir", "Cohen", "Levi", "Friedman", "Begay", "Yazzie", "Kealoha", "Makoa",
)

STREET_NAMES: tuple[str, ...] = (
    "Oak", "Maple", "Pine", "Cedar", "Elm", "Birch", "Willow", "Walnut", "Chestnut", "Spruce",
    "Main", "Church", "Mill", "Park", "Lake", "Hill", "River", "Spring", "Meadow", "Forest",
    "Washington", "Lincoln", "Jefferson", "Madison", "Franklin", "Jackson", "Adams", "Monroe", "Grant", "Harrison",
    "Sunset", "Highland", "Ridge", "Valley", "Orchard", "Garden", "Harbor", "Bay", "Prospect", "Summit",
    "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth",
    "Magnolia", "Dogwood", "Sycamore", "Hawthorn", "Juniper", "Laurel", "Aspen", "Poplar", "Hickory", "Alder",
)

STREET_TYPES: tuple[str, ...] = (
    "Street", "St", "Avenue", "Ave", "Road", "Rd", "Lane", "Ln", "Drive", "Dr",
    "Court", "Ct", "Boulevard", "Blvd", "Way", "Place", "Pl", "Terrace", "Circle",
)

CITIES: tuple[str, ...] = (
    "Springfield", "Riverton", "Fairview", "Lakeside", "Georgetown", "Oak Ridge", "Greenville", "Franklin",
    "Clinton", "Salem", "Madison", "Milford", "Ashland", "Dover", "Hudson", "Kingston", "Marion", "Newport",
    "Bristol", "Clayton", "Dayton", "Burlington", "Manchester", "Oxford", "Arlington", "Centerville",
    "Mount Vernon", "Winchester", "Lexington", "Jamestown", "Plainview", "Brookfield", "Westfield", "Hillsboro",
)

STATES: tuple[str, ...] = (
    "OH", "IL", "MA", "NY", "CA", "TX", "PA", "GA", "NC", "MI", "WA", "OR", "VA", "MN", "CO", "WI",
)

AREA_CODES: tuple[str, ...] = (
    "212", "213", "217", "303", "312", "404", "412", "415", "503", "512", "608", "612", "614", "617",
    "702", "704", "713", "718", "720", "804", "813", "828", "857", "904", "916", "919", "949", "971",
)

EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.org", "example.net")
