-- wrk script: POST /coupons/issue {couponId:4001, customerId: random 1001..3000}, as the seed's
-- coupon-peak k6 script sends it; counts status codes per thread and prints them in done().
wrk.method = "POST"
wrk.path = "/coupons/issue"
wrk.headers["Content-Type"] = "application/json"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local body = string.format('{"couponId":4001,"customerId":%d}', math.random(1001, 3000))
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for code, n in pairs(s) do
      total[code] = (total[code] or 0) + n
    end
  end
  local line = "STATUS"
  for code, n in pairs(total) do
    line = line .. string.format(" %d=%d", code, n)
  end
  io.write(line .. "\n")
  io.write(string.format("SOCKET_ERRORS connect=%d read=%d write=%d timeout=%d status=%d\n",
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status))
end
