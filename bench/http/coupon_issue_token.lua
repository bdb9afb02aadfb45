-- wrk script: coupon_issue.lua's POST /coupons/issue {couponId:4001, customerId: random
-- 1001..3000}, each with the customer's token. Argument: a Lua file returning
-- {[customerId] = "Bearer TOKEN", ...} (auth_wrk.sh writes it). Prints the status counts.
wrk.method = "POST"
wrk.path = "/coupons/issue"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  tokens = dofile(args[1])
  statuses = {}
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local customer = math.random(1001, 3000)
  local body = string.format('{"couponId":4001,"customerId":%d}', customer)
  return wrk.format(nil, nil,
    {["Content-Type"] = "application/json", ["Authorization"] = tokens[customer]}, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for code, n in pairs(t:get("statuses")) do
      total[code] = (total[code] or 0) + n
    end
  end
  local line = "STATUS"
  for code, n in pairs(total) do
    line = line .. string.format(" %d=%d", code, n)
  end
  io.write(line .. "\n")
end
