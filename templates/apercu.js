// clsm serve : recharge la page dès que le site est reconstruit. Servi par l'aperçu
// seulement ; le site publié n'a aucun script.
//
// Un onglet caché ferme sa connexion et la rouvre quand il revient au premier plan :
// un navigateur n'ouvre que six connexions à la fois vers un même site, et des
// onglets cachés qui les garderaient toutes bloqueraient les pages suivantes. La
// page dit de quelle construction elle vient : revenue au premier plan après une
// reconstruction, elle se recharge aussitôt.
(function () {
  var moi = document.currentScript;
  var depuis = (moi && moi.getAttribute("data-generation")) || "0";
  var source = null;
  function ecouter() {
    if (source || document.hidden) return;
    source = new EventSource("/_clsm/evenements?depuis=" + encodeURIComponent(depuis));
    source.addEventListener("recharge", function () {
      source.close();
      location.reload();
    });
  }
  function taire() {
    if (source) source.close();
    source = null;
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) taire(); else ecouter();
  });
  ecouter();
})();
