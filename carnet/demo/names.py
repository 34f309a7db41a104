"""Names, places and phone numbers of the demo people, as they occur in a French lycée in Lyon and
in a Beninese CEG in Cotonou.

A family draws its names from one pool (its origin), weighted as in the city; children of some
pools also get first names from the majority pool, as families do. Children's first names are
those of people born around 2010, adults' those of people born 1965-1995."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class NamePool:
    key: str
    weight: int
    last_names: tuple[str, ...]
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    women: tuple[str, ...]
    men: tuple[str, ...]
    #: Probability that a child of this pool gets a first name from the country's majority pool.
    mixed_first_names: float = 0.0


def _words(text: str) -> tuple[str, ...]:
    """Names separated by commas (a name may contain spaces or hyphens)."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


# --- France (Lyon) --------------------------------------------------------------------------------

FRENCH = NamePool(
    key="fr",
    weight=58,
    last_names=_words(
        "Martin, Bernard, Thomas, Petit, Robert, Richard, Durand, Dubois, Moreau, Laurent, Simon, Michel,"
        "Lefebvre, Leroy, Roux, David, Bertrand, Morel, Fournier, Girard, Bonnet, Dupont, Lambert, Fontaine,"
        "Rousseau, Vincent, Muller, Lefèvre, Faure, André, Mercier, Blanc, Guérin, Boyer, Garnier, Chevalier,"
        "François, Legrand, Gauthier, Perrin, Robin, Clément, Morin, Nicolas, Henry, Roussel, Mathieu,"
        "Masson, Marchand, Duval, Denis, Dumont, Lemaire, Noël, Meyer, Dufour, Meunier, Brun, Blanchard,"
        "Giraud, Joly, Rivière, Lucas, Brunet, Gaillard, Barbier, Arnaud, Gérard, Roche, Renard, Schmitt,"
        "Roy, Leroux, Colin, Vidal, Caron, Picard, Roger, Fabre, Aubert, Lemoine, Renaud, Dumas, Lacroix,"
        "Olivier, Bourgeois, Pierre, Benoît, Rey, Leclerc, Rolland, Guillaume, Lecomte, Dupuy, Guillot,"
        "Hubert, Berger, Carpentier, Dupuis, Moulin, Deschamps, Huet, Vasseur, Boucher, Fleury, Royer,"
        "Klein, Jacquet, Adam, Poirier, Marty, Aubry, Guyot, Carré, Charpentier, Ménard, Maillard, Baron,"
        "Bertin, Bailly, Hervé, Schneider, Le Gall, Collet, Léger, Bouvier, Julien, Prévost, Millet, Perrot,"
        "Cousin, Germain, Breton, Besson, Langlois, Rémy, Le Goff, Pelletier, Lévêque, Perrier, Leblanc,"
        "Barré, Lebrun, Marchal, Weber, Mallet, Hamon, Boulanger, Jacob, Monnier, Michaud, Guichard, Gillet,"
        "Étienne, Poulain, Tessier, Chauvin, Bouchet, Gay, Lemaître, Bénard, Maréchal, Humbert, Reynaud,"
        "Perret, Barthélemy, Cordier, Pichon, Lejeune, Gilbert, Lamy, Delaunay, Pasquier, Laporte, Pons,"
        "Marin, Baudry, Texier, Le Bihan, Chapuis, Bonnefoy, Vernet, Berthier, Mounier, Tissot, Grange,"
        "Chambon, Ferrand, Jourdan, Bardet, Rochette, Vial, Charvet, Magnin, Verdier, Combe, Granger"
    ),
    girls=_words(
        "Emma, Jade, Louise, Alice, Chloé, Léa, Rose, Anna, Mila, Inès, Ambre, Julia, Léna, Manon, Juliette,"
        "Lou, Camille, Zoé, Agathe, Jeanne, Eva, Nina, Sarah, Romane, Lucie, Clara, Margaux, Louna, Iris,"
        "Charlotte, Mathilde, Léonie, Salomé, Maëlys, Océane, Lola, Clémence, Justine, Pauline, Marie, Emmy,"
        "Lana, Adèle, Apolline, Capucine, Elsa, Héloïse, Noémie, Laura, Maëlle, Éloïse, Victoire, Anaïs,"
        "Lilou, Thaïs, Louane, Candice, Alicia, Mélissa, Ophélie, Solène, Coralie, Albane, Constance, Garance,"
        "Lisa, Maëva, Nell, Suzanne, Valentine, Zélie, Bérénice, Flavie, Maïwenn, Axelle, Enola"
    ),
    boys=_words(
        "Gabriel, Léo, Raphaël, Louis, Arthur, Jules, Adam, Lucas, Hugo, Maël, Noah, Paul, Nathan, Sacha,"
        "Tom, Théo, Ethan, Nolan, Timéo, Gabin, Mathis, Enzo, Axel, Martin, Baptiste, Clément, Victor,"
        "Maxime, Antoine, Alexandre, Thomas, Romain, Valentin, Quentin, Samuel, Elias, Kylian, Evan, Robin,"
        "Simon, Lenny, Marius, Naël, Kenzo, Dylan, Killian, Loïc, Corentin, Erwan, Titouan, Esteban, Malo,"
        "Noé, Côme, Augustin, Basile, Oscar, Mathéo, Aurélien, Benjamin, Jérémy, Florian, Rémi, Léandre,"
        "Anatole, Timothée, Joris, Lilian, Bastien, Célestin, Gaspard, Eliott"
    ),
    women=_words(
        "Isabelle, Nathalie, Sandrine, Stéphanie, Céline, Aurélie, Virginie, Sophie, Valérie, Karine, Hélène,"
        "Caroline, Delphine, Élodie, Laetitia, Magali, Sylvie, Christelle, Émilie, Audrey, Cécile, Anne,"
        "Claire, Julie, Marion, Laure, Agnès, Florence, Catherine, Véronique, Corinne, Muriel, Séverine,"
        "Estelle, Gaëlle, Ingrid, Mélanie, Vanessa, Amandine, Jessica, Carole, Pascale, Béatrice, Fabienne,"
        "Géraldine, Myriam, Nadège, Perrine, Anne-Sophie, Marie-Claire, Lucie, Charlotte, Aude, Blandine"
    ),
    men=_words(
        "Stéphane, Christophe, Frédéric, Laurent, Sébastien, Nicolas, Olivier, Philippe, Thierry, Éric,"
        "Pascal, David, Jérôme, Franck, Fabrice, Vincent, Cédric, Julien, Guillaume, Arnaud, Emmanuel,"
        "Mickaël, Jean-Marc, Jean-Philippe, Patrick, Didier, Bruno, Hervé, Yannick, Grégory, Damien,"
        "Ludovic, Benoît, Alain, Serge, Gilles, Xavier, Fabien, Matthieu, Romain, Jean-Luc, Pierre-Yves,"
        "Raphaël, Régis, Lionel, Thibault, Sylvain, Marc, François, Antoine, Denis, Joël, Hugues"
    ),
)

MAGHREB = NamePool(
    key="maghreb",
    weight=15,
    last_names=_words(
        "Benali, Haddad, Belkacem, Bouzid, Mansouri, Cherif, Amrani, Benmoussa, Khelifi, Saïdi, Ziani, Kaci,"
        "Meziane, Boukhari, Benchikh, El Amrani, Ben Salah, Brahimi, Hamdi, Bensaïd, Taleb, Djebbar, Lounis,"
        "Rahmani, Zerrouki, Aït Ahmed, Bouaziz, Chaouch, Ferhat, Hadj, Messaoudi, Naceri, Ouali, Sahraoui,"
        "Tahiri, Yahiaoui, Benyahia, El Idrissi, Benkirane, Ghezali"
    ),
    girls=_words(
        "Inès, Yasmine, Lina, Nour, Imane, Salma, Amira, Meryem, Kenza, Sofia, Assia, Leïla, Sara, Lyna,"
        "Maïssa, Rania, Aya, Hiba, Nesrine, Myriam, Malak, Ilham, Samia, Sirine, Chaïma, Wassila, Jihane"
    ),
    boys=_words(
        "Adam, Rayan, Yanis, Ilyes, Amir, Ibrahim, Ismaël, Wassim, Younes, Ayoub, Bilal, Karim, Mehdi,"
        "Sofiane, Mohamed, Nassim, Ryad, Anis, Zakaria, Hamza, Walid, Samy, Idriss, Marwane, Ilias, Souleymane"
    ),
    women=_words(
        "Fatima, Malika, Samira, Houria, Rachida, Nora, Naïma, Khadija, Farida, Latifa, Saliha, Yamina,"
        "Zohra, Souad, Nadia, Karima, Leïla, Hayat, Amel, Sabrina, Dalila, Fadila"
    ),
    men=_words(
        "Karim, Rachid, Mourad, Farid, Nordine, Hakim, Abdel, Samir, Mohamed, Ahmed, Mustapha, Kamel,"
        "Djamel, Saïd, Brahim, Youcef, Nabil, Redouane, Hicham, Tarik, Khaled, Malik, Lyes"
    ),
    mixed_first_names=0.3,
)

WEST_AFRICA = NamePool(
    key="west-africa",
    weight=8,
    last_names=_words(
        "Traoré, Diallo, Konaté, Camara, Sissoko, Koné, Diop, Ndiaye, Sow, Cissé, Touré, Keïta, Mendy, Gomis,"
        "Bamba, Coulibaly, Sy, Fofana, Dembélé, Kouassi, Nguema, Ouédraogo, Sané, Bangoura, Diarra, Barry"
    ),
    girls=_words(
        "Fatoumata, Aminata, Awa, Mariam, Hawa, Binta, Kadiatou, Assa, Oumou, Aïssatou, Ramatoulaye, Fanta,"
        "Coumba, Sokhna, Djeneba, Maïmouna, Ndeye, Aïcha"
    ),
    boys=_words(
        "Moussa, Mamadou, Issa, Ousmane, Abdoulaye, Sekou, Bakary, Lamine, Modibo, Amadou, Cheick, Souleymane,"
        "Ibrahima, Adama, Boubacar, Seydou, Yaya, Alassane"
    ),
    women=_words(
        "Fatoumata, Aminata, Mariam, Kadiatou, Awa, Assétou, Rokia, Salimata, Coumba, Néné, Djénéba, Ndèye"
    ),
    men=_words(
        "Mamadou, Ousmane, Abdoulaye, Moussa, Ibrahima, Sekou, Seydou, Boubacar, Lassana, Bakary, Youssouf"
    ),
    mixed_first_names=0.4,
)

PORTUGAL = NamePool(
    key="portugal",
    weight=5,
    last_names=_words(
        "Dos Santos, Ferreira, Pereira, Rodrigues, Oliveira, Gonçalves, Silva, Lopes, Cardoso, Fernandes,"
        "Da Silva, Teixeira, Sousa, Almeida, Ribeiro, Carvalho, Martins, Pinto, Marques, Moreira, Correia"
    ),
    girls=_words("Beatriz, Ana, Inês, Carolina, Mariana, Leonor, Matilde, Lara, Sofia, Bianca"),
    boys=_words("Tiago, Rafael, Diogo, Gonçalo, Rodrigo, Hugo, Enzo, Nuno, Daniel, Lucas"),
    women=_words("Maria, Ana, Sónia, Paula, Teresa, Isabel, Cristina, Patrícia, Fátima, Sandra"),
    men=_words("José, Manuel, Paulo, Carlos, João, Luís, Rui, Jorge, António, Fernando"),
    mixed_first_names=0.6,
)

ITALY_SPAIN = NamePool(
    key="italy-spain",
    weight=5,
    last_names=_words(
        "Rossi, Russo, Bianchi, Romano, Esposito, Ricci, Marino, Greco, Costa, Conti, De Luca, Gallo,"
        "Giordano, Garcia, Martinez, Lopez, Sanchez, Fernandez, Perez, Gomez, Rodriguez, Moreno, Navarro"
    ),
    girls=_words("Giulia, Chiara, Elena, Sofia, Lucia, Alba, Carmen, Maria, Bianca, Livia, Paula"),
    boys=_words("Lorenzo, Matteo, Diego, Luca, Mateo, Pablo, Marco, Nicolas, Alejandro, Enzo"),
    women=_words("Maria, Carmen, Rosa, Francesca, Silvia, Laura, Elena, Pilar, Giovanna"),
    men=_words("Marco, Giovanni, Antonio, Miguel, Francesco, Javier, Alberto, Stefano, Carlos"),
    mixed_first_names=0.6,
)

WEST_AFRICA = NamePool(
    key="west-africa",
    weight=8,
    last_names=_words(
        "Traoré, Diallo, Konaté, Camara, Sissoko, Koné, Diop, Ndiaye, Sow, Cissé, Touré, Keïta, Mendy, Gomis,"
        "Bamba, Coulibaly, Sy, Fofana, Dembélé, Kouassi, Nguema, Ouédraogo, Sané, Bangoura, Diarra, Barry"
    ),
    girls=_words(
        "Fatoumata, Aminata, Awa, Mariam, Hawa, Binta, Kadiatou, Assa, Oumou, Aïssatou, Ramatoulaye, Fanta,"
        "Coumba, Sokhna, Djeneba, Maïmouna, Ndeye, Aïcha"
    ),
    boys=_words(
        "Moussa, Mamadou, Issa, Ousmane, Abdoulaye, Sekou, Bakary, Lamine, Modibo, Amadou, Cheick, Souleymane,"
        "Ibrahima, Adama, Boubacar, Seydou, Yaya, Alassane"
    ),
    women=_words(
        "Fatoumata, Aminata, Mariam, Kadiatou, Awa, Assétou, Rokia, Salimata, Coumba, Néné, Djénéba, Ndèye"
    ),
    men=_words(
        "Mamadou, Ousmane, Abdoulaye, Moussa, Ibrahima, Sekou, Seydou, Boubacar, Lassana, Bakary, Youssouf"
    ),
    mixed_first_names=0.4,
)

SOUTHERN_EUROPE = NamePool(
    key="southern-europe",
    weight=10,
    last_names=_words(
        "Dos Santos, Ferreira, Pereira, Rodrigues, Oliveira, Gonçalves, Silva, Lopes, Cardoso, Fernandes,"
        "Rossi, Russo, Bianchi, Romano, Esposito, Ricci, Marino, Greco, Bruno, Costa, Garcia, Martinez,"
        "Lopez, Sanchez, Fernandez, Perez, Gomez, Rodriguez, Moreno, Navarro, Da Silva, Teixeira, Sousa,"
        "Almeida, Ribeiro, Conti, De Luca, Gallo, Giordano"
    ),
    girls=_words("Giulia, Chiara, Elena, Sofia, Lucia, Beatriz, Ana, Inês, Carla, Alba, Carmen, Maria, Bianca, Livia"),
    boys=_words("Lorenzo, Matteo, Diego, Tiago, Luca, Hugo, Mateo, Nicolas, Enzo, Rafael, Pablo, Daniel, Marco"),
    women=_words("Maria, Ana, Sónia, Paula, Carmen, Rosa, Francesca, Teresa, Isabel, Cristina, Patrícia, Silvia"),
    men=_words("José, Manuel, Paulo, Marco, Giovanni, Antonio, Miguel, Carlos, João, Luís, Francesco, Rui, Jorge"),
    mixed_first_names=0.6,
)

VIETNAM = NamePool(
    key="vietnam",
    weight=4,
    last_names=_words("Nguyen, Tran, Pham, Le, Vo, Hoang, Phan, Truong, Dang, Lam, Huynh, Bui, Do, Ngo, Duong"),
    girls=_words("Linh, Mai, Lan, Anh, Thu, Ngoc, Vy, Lily, Jasmine, Hana, Yen, Chau"),
    boys=_words("Minh, Anh, Duc, Long, Bao, Khang, Thanh, Kevin, Hoang, Tuan, Nam, Jason"),
    women=_words("Thi Lan, Huong, Mai, Hoa, Thuy, Hanh, Phuong, Trang, Nga"),
    men=_words("Huu, Thanh, Minh, Quang, Dung, Hai, Tuan, Son, Hung"),
    mixed_first_names=0.6,
)

TURKEY = NamePool(
    key="turkey",
    weight=3,
    last_names=_words("Yilmaz, Kaya, Demir, Şahin, Öztürk, Çelik, Aydin, Arslan, Doğan, Koç, Kurt, Özdemir"),
    girls=_words("Zeynep, Elif, Ecem, Melis, Ayla, Ela, Defne, Azra, Nisa"),
    boys=_words("Emre, Yusuf, Kerem, Eymen, Arda, Can, Baran, Efe, Mert"),
    women=_words("Ayşe, Fatma, Emine, Hatice, Gülsen, Sevim, Özlem, Derya"),
    men=_words("Mehmet, Ali, Hüseyin, Mustafa, Hasan, Murat, Kemal, Osman"),
    mixed_first_names=0.4,
)

ARMENIA = NamePool(
    key="armenia",
    weight=2,
    last_names=_words("Petrossian, Sarkissian, Hakobian, Manoukian, Der Sarkissian, Kasparian, Boyadjian, Karapetian, Tchakerian"),
    girls=_words("Anahit, Lusine, Nairi, Ani, Mariam, Lara, Talin"),
    boys=_words("Aram, Davit, Gaspard, Haïk, Tigran, Raffi, Armen"),
    women=_words("Anouch, Lucine, Sona, Arminé, Hasmik, Nadia"),
    men=_words("Armen, Vahé, Garo, Serge, Krikor, Hagop"),
    mixed_first_names=0.6,
)

VIETNAM = NamePool(
    key="vietnam",
    weight=4,
    last_names=_words("Nguyen, Tran, Pham, Le, Vo, Hoang, Phan, Truong, Dang, Lam, Huynh, Bui, Do, Ngo, Duong"),
    girls=_words("Linh, Mai, Lan, Anh, Thu, Ngoc, Vy, Lily, Jasmine, Hana, Yen, Chau"),
    boys=_words("Minh, Anh, Duc, Long, Bao, Khang, Thanh, Kevin, Hoang, Tuan, Nam, Jason"),
    women=_words("Thi Lan, Huong, Mai, Hoa, Thuy, Hanh, Phuong, Trang, Nga"),
    men=_words("Huu, Thanh, Minh, Quang, Dung, Hai, Tuan, Son, Hung"),
    mixed_first_names=0.6,
)

TURKEY_EAST = NamePool(
    key="turkey-east",
    weight=5,
    last_names=_words(
        "Yilmaz, Kaya, Demir, Şahin, Öztürk, Çelik, Aydin, Arslan, Doğan, Kowalski, Nowak, Wiśniewski,"
        "Petrossian, Sarkissian, Hakobian, Manoukian, Popescu, Ionescu, Ivanov, Horvat"
    ),
    girls=_words("Zeynep, Elif, Ecem, Melis, Lara, Ayla, Nina, Zuzanna, Mariam, Anahit, Ioana, Ela"),
    boys=_words("Emre, Yusuf, Kerem, Eymen, Arda, Can, Aram, Davit, Kacper, Mateusz, Andrei, Aris"),
    women=_words("Ayşe, Fatma, Emine, Hatice, Gülsen, Anna, Katarzyna, Agnieszka, Lusine, Ana, Elena"),
    men=_words("Mehmet, Ali, Hüseyin, Mustafa, Hasan, Piotr, Krzysztof, Tomasz, Armen, Vahe, Ion"),
    mixed_first_names=0.5,
)

FRANCE_POOLS: tuple[NamePool, ...] = (FRENCH, MAGHREB, PORTUGAL, ITALY_SPAIN, WEST_AFRICA, TURKEY, ARMENIA, VIETNAM)

FRANCE_BIRTH_PLACES: tuple[tuple[str, int], ...] = (
    ("Lyon", 40), ("Villeurbanne", 12), ("Vénissieux", 6), ("Vaulx-en-Velin", 5), ("Bron", 5),
    ("Caluire-et-Cuire", 4), ("Saint-Priest", 3), ("Oullins", 3), ("Écully", 2), ("Villefranche-sur-Saône", 2),
    ("Grenoble", 2), ("Saint-Étienne", 2), ("Paris", 3), ("Marseille", 2), ("Clermont-Ferrand", 1),
    ("Alger", 1), ("Casablanca", 1), ("Dakar", 1), ("Porto", 1), ("Bucarest", 1),
)


# --- Benin (Cotonou) ------------------------------------------------------------------------------

# Beninese families commonly give a French or Christian first name and a local one; both kinds occur.
_BJ_GIRLS_COMMON = (
    "Gloria, Ornella, Merveille, Grâce, Espérance, Chancelle, Prisca, Bénédicte, Murielle, Nadège, Jessica,"
    "Christelle, Carine, Élodie, Fabiola, Reine, Divine, Océane, Josiane, Rachelle, Déborah, Estelle,"
    "Mireille, Inès, Belvida, Charlène, Yasmine, Orphélia, Aurore, Nelly"
)
_BJ_BOYS_COMMON = (
    "Rodrigue, Fiacre, Fabrice, Judicaël, Romaric, Aristide, Landry, Ghislain, Euloge, Hermann, Brice,"
    "Cyrille, Arnaud, Prince, Jordan, Marcellin, Kévin, Christian, Ulrich, Wilfried, Bienvenu, Donatien,"
    "Gildas, Rodolphe, Aurel, Steve, Giovanni, Maurel, Ezéchiel, Jonas, Boris, Emmanuel"
)
_BJ_WOMEN_COMMON = (
    "Pélagie, Rosine, Blandine, Josiane, Victoire, Agnès, Bernadette, Clarisse, Célestine, Hortense,"
    "Marcelline, Eugénie, Véronique, Philomène, Justine, Félicité, Odile, Henriette, Colette, Thérèse,"
    "Sylvie, Chantal, Francine, Jocelyne, Léontine, Reine, Solange, Edwige, Armelle, Nadine"
)
_BJ_MEN_COMMON = (
    "Gérard, Théophile, Raymond, Marcel, Bernard, Augustin, Gaston, Hilaire, Casimir, Innocent,"
    "Barthélemy, Sylvain, Léopold, Félix, Séverin, Zacharie, Apollinaire, Cosme, Dieudonné, Basile,"
    "Justin, Parfait, Pascal, Patrice, Romuald, Valentin, Victorin, Gratien, Anselme, Firmin, Norbert"
)

FON_GOUN = NamePool(
    key="fon-goun",
    weight=52,
    last_names=_words(
        "Dossou, Houngbédji, Agossou, Adjovi, Zinsou, Kpadonou, Gbaguidi, Tossou, Ahouandjinou, Hounkpatin,"
        "Sossou, Akplogan, Hounsou, Dossa, Adjahouinou, Glèlè, Hounkanrin, Akpovi, Kiki, Tchibozo, Ahouansou,"
        "Dégbé, Houessou, Gnonlonfoun, Aïhou, Assogba, Azon, Dansou, Kakpo, Tokpanou, Dangbégnon, Houéto,"
        "Kouton, Quenum, Padonou, Hounnou, Loko, Agbodjogbé, Ahyi, Allagbé, Adoukonou, Ahokpè, Dohou, Sèhou,"
        "Vodounon, Amoussou, Hounton, Djossou, Gandonou, Kossou, Agbangla, Honvou, Houndékon, Kinkpon,"
        "Mèdéhou, Sagbo, Tonoukouin, Zannou, Avocè, Hessou, Capo-Chichi, Djidonou, Gbèdji, Hounyèmè"
    ),
    girls=_words(_BJ_GIRLS_COMMON + ", Sèna, Sessi, Ayaba, Mahougnon, Fifonsi, Sènami, Dossi, Ahouéfa, Enagnon, Houéfa, Nonvignon, Gbèmisso"),
    boys=_words(_BJ_BOYS_COMMON + ", Koffi, Kossi, Codjo, Sèna, Mahougnon, Finagnon, Houénou, Sègbédji, Dagbégnon, Akpédjé, Gbènou, Sèdjro"),
    women=_words(_BJ_WOMEN_COMMON + ", Sessi, Ayaba, Alougba, Houéfa, Dossi, Afiavi, Nanwa"),
    men=_words(_BJ_MEN_COMMON + ", Koffi, Kossi, Codjo, Dossou, Sossa, Gbènou, Houénou, Sèdjro"),
)

YORUBA_NAGO = NamePool(
    key="yoruba-nago",
    weight=16,
    last_names=_words(
        "Akindès, Adéchokan, Adékambi, Oloukoï, Alabi, Akanni, Adédjouma, Lawani, Sanni, Adéoti, Fagbémi,"
        "Olodo, Oké, Ogouwalé, Adéyèmi, Babalola, Salami, Ayinla, Odjo, Akadiri, Bello, Adissa"
    ),
    girls=_words(_BJ_GIRLS_COMMON + ", Folakè, Bolanlé, Adétola, Ayoka, Omolola, Titilayo, Mojisola, Yétoundé"),
    boys=_words(_BJ_BOYS_COMMON + ", Olouwafèmi, Adébayo, Ayodélé, Babatoundé, Akim, Rachad, Olayemi, Tundé"),
    women=_words(_BJ_WOMEN_COMMON + ", Folashadé, Iyabo, Bolanlé, Yétoundé, Moutiatou, Sikirath"),
    men=_words(_BJ_MEN_COMMON + ", Rafiou, Moucharaf, Adéwalé, Kolawolé, Tajoudine, Akim"),
)

ADJA_MINA = NamePool(
    key="adja-mina",
    weight=16,
    last_names=_words(
        "Ahlonsou, Kpodékon, Tognon, Agbo, Ahlin, Kpossou, Dovonou, Akakpo, Lokossou, Sogbossi, Aho, Hounyo,"
        "Agbokou, Kodjo, Assou, Tchéoubi, Houndjo, Adanlao, Dègla, Gbèdo"
    ),
    girls=_words(_BJ_GIRLS_COMMON + ", Afi, Akossiwa, Ablavi, Adjoa, Yawa, Mawuéna, Kafui, Dédé"),
    boys=_words(_BJ_BOYS_COMMON + ", Kodjo, Mawuli, Komi, Yao, Kokou, Dodji, Mawunou, Edem"),
    women=_words(_BJ_WOMEN_COMMON + ", Afi, Ablavi, Adjoa, Akouvi, Amavi, Yawa"),
    men=_words(_BJ_MEN_COMMON + ", Kodjo, Komlan, Kokou, Yao, Mensah, Dodji"),
)

NORTH = NamePool(
    key="north",
    weight=16,
    last_names=_words(
        "Bio, Sanni, Chabi, Orou, Sabi, Gounou, Worou, Yarou, Boni, Seidou, Zoumarou, Bagnan, Tamou, Gado,"
        "Kora, Idrissou, Salifou, Bachabi, Imorou, Alassane, Mama, Djibril, Soumanou, Yessoufou, Moussa,"
        "Issa, Dramane, Tchabi, Baparapé, Kassa"
    ),
    girls=_words(
        "Fatimatou, Rachidatou, Mariam, Zénabou, Aïcha, Hadiza, Safiatou, Nafissatou, Samira, Barira,"
        "Sakinatou, Roukayath, Falilatou, Habibatou, Amina, Chérifatou, Zoulfath, Gloria, Grâce, Gnon"
    ),
    boys=_words(
        "Aboubakar, Moussa, Ibrahim, Soulé, Saliou, Zakari, Amadou, Yacoubou, Issiaka, Nassirou, Moukaïla,"
        "Rachidi, Karim, Orou, Sabi, Gounou, Worou, Chabi, Abdel-Aziz, Fadel, Idrissou, Rodrigue, Prince"
    ),
    women=_words("Mariam, Fatouma, Adizatou, Zénabou, Safiatou, Aminatou, Rafiatou, Alimatou, Bibata, Gnon, Salamatou"),
    men=_words("Moussa, Ibrahim, Soulé, Mama, Orou, Sabi, Bio, Gounou, Seidou, Amadou, Issa, Yacoubou, Boni"),
)

BENIN_POOLS: tuple[NamePool, ...] = (FON_GOUN, YORUBA_NAGO, ADJA_MINA, NORTH)

BENIN_BIRTH_PLACES: tuple[tuple[str, int], ...] = (
    ("Cotonou", 45), ("Abomey-Calavi", 14), ("Porto-Novo", 8), ("Sèmè-Podji", 5), ("Ouidah", 4),
    ("Allada", 2), ("Abomey", 3), ("Bohicon", 3), ("Lokossa", 2), ("Comè", 2), ("Aplahoué", 1),
    ("Parakou", 3), ("Djougou", 2), ("Natitingou", 1), ("Kandi", 1), ("Savalou", 1), ("Dassa-Zoumè", 1),
    ("Kétou", 1), ("Pobè", 1), ("Lagos", 1),
)


# --- draws ----------------------------------------------------------------------------------------


def pick_pool(rng: random.Random, pools: tuple[NamePool, ...]) -> NamePool:
    return rng.choices(pools, weights=[pool.weight for pool in pools])[0]


def first_name(rng: random.Random, pool: NamePool, sex: str, *, child: bool, majority: NamePool) -> str:
    if child and pool is not majority and rng.random() < pool.mixed_first_names:
        pool = majority
    if child:
        return rng.choice(pool.girls if sex == "F" else pool.boys)
    return rng.choice(pool.women if sex == "F" else pool.men)


def birth_place(rng: random.Random, places: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([name for name, _ in places], weights=[weight for _, weight in places])[0]


def french_mobile(rng: random.Random) -> str:
    """+33 6 or 7 then eight digits, in E.164 form."""
    return f"+33{rng.choice('67')}{rng.randrange(10**8):08d}"


# Mobile prefixes in Benin's ten-digit plan (2024): 01 then the former eight-digit number, whose first
# two digits name the operator (MTN, Moov, Celtiis).
_BENIN_OPERATOR_PREFIXES = ("96", "97", "66", "67", "61", "62", "69", "90", "91", "94", "95", "98", "99", "60", "64", "65", "40", "41", "43")


def benin_mobile(rng: random.Random) -> str:
    """+229 01 XX XX XX XX, in E.164 form."""
    return f"+22901{rng.choice(_BENIN_OPERATOR_PREFIXES)}{rng.randrange(10**6):06d}"
