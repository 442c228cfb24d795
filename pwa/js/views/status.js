// #/status: a facility user's own site's screen (views/site.js); anyone else's list of
// sites is the province screen (views/province.js), where this old address now leads.

/** @param {HTMLElement} root @param {import("../app.js").Ctx} ctx */
export async function render(root, ctx) {
  const user = ctx.session?.user;
  if (user?.role === "facility") {
    location.replace(`#/site/${encodeURIComponent(String(user.facility_code || ""))}`);
  } else {
    location.replace("#/province");
  }
  return {};
}
