-- wrk script: POST /api/list_groups with a rotating set of searches drawn
-- from the seed-demo vocabulary (words that match few and many groups).
local queries = {
  "berlin", "cafe", "coders lisbon", "music", "friendly", "hikers osaka",
  "zurich", "chess", "weekend readers", "bogota", "krakow bakers", "online",
  "green", "photographers seoul", "beginners", "quiet climbers malaga",
}
local i = 0
request = function()
  i = i + 1
  local q = (queries[(i % #queries) + 1]:gsub(" ", "+"))
  local body = "q=" .. q .. "&group_type=&tag=&sort=&after="
  return wrk.format("POST", "/api/list_groups", {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
  }, body)
end
