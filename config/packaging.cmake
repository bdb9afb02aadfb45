# packaging: the install rules and the Debian package. `cpack -G DEB` in the build directory
# (after building actorshop and actorshop-bench) writes actorshop_<version>-<release>_<arch>.deb:
# the two binaries in /usr/bin, the config as a conffile in /etc/actorshop, the systemd unit,
# the load profiles, and the Debian docs (DEP-5 copyright, changelog.Debian.gz).
# The maintainer scripts and the changelog live in config/debian/.

set(debian_dir ${CMAKE_CURRENT_LIST_DIR}/debian)
set(package_dir ${PROJECT_BINARY_DIR}/package) # files generated at configure time

# `install` and cpack need only the two binaries, not every test and benchmark: building them is
# the caller's step (tests/package/package_test.sh does it).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

# The binaries go to <prefix>/bin (the package's prefix is /usr); the config, the unit and the
# docs have the absolute paths Debian expects. /lib, not /usr/lib: bookworm's systemd and
# lintian still look for system units there.
install(TARGETS actorshop actorshop-bench RUNTIME DESTINATION bin)
# Debian's hardening for what we install: full RELRO (lintian: hardening-no-bindnow).
foreach(target actorshop actorshop-bench)
  target_link_options(${target} PRIVATE LINKER:-z,relro,-z,now)
endforeach()
install(FILES ${CMAKE_CURRENT_LIST_DIR}/actorshop.service DESTINATION /lib/systemd/system)
install(FILES ${CMAKE_CURRENT_LIST_DIR}/profiles/coupon-peak.json
  ${CMAKE_CURRENT_LIST_DIR}/profiles/order-payment.json DESTINATION share/actorshop/profiles)

# The installed config is the repository's with the database in the unit's StateDirectory: the
# repository's default (a relative actorshop.db) suits a checkout, not a service.
file(READ ${CMAKE_CURRENT_LIST_DIR}/actorshop.toml toml)
string(REPLACE "path = \"actorshop.db\"" "path = \"/var/lib/actorshop/actorshop.db\"" system_toml
  "${toml}")
if(system_toml STREQUAL toml)
  message(FATAL_ERROR "packaging: config/actorshop.toml has no `path = \"actorshop.db\"` to adapt")
endif()
string(REPLACE "# actorshop daemon defaults." "# actorshop daemon settings (Debian package: a conffile, kept on upgrade).
# Put the admin token in /etc/actorshop/env (mode 0600) as ACTORSHOP_ADMIN_TOKEN=..., not here:
# this file is world-readable so that the service's dynamic user can read it.
# actorshop daemon defaults." system_toml "${system_toml}")
file(WRITE ${package_dir}/actorshop.toml "${system_toml}")
install(FILES ${package_dir}/actorshop.toml DESTINATION /etc/actorshop)

# Debian's machine-readable copyright (DEP-5), made from LICENSE: the MIT license is the one
# DEP-5 calls "Expat" ("MIT" names several licenses there).
file(READ ${PROJECT_SOURCE_DIR}/LICENSE license)
if(NOT license MATCHES "Copyright \\(c\\) ([^\n]+)\n")
  message(FATAL_ERROR "packaging: LICENSE has no `Copyright (c) ...` line")
endif()
set(holder "${CMAKE_MATCH_1}")
string(FIND "${license}" "Permission is hereby" text_start)
string(SUBSTRING "${license}" ${text_start} -1 license_text)
string(STRIP "${license_text}" license_text)
# DEP-5 continuation lines: indented by one space, a blank line written as " .".
string(REPLACE "\n\n" "\n.\n" license_text "${license_text}")
string(REPLACE "\n" "\n " license_text "${license_text}")
set(license_text " ${license_text}\n")
file(WRITE ${package_dir}/copyright
"Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: actorshop

Files: *
Copyright: ${holder}
License: Expat
${license_text}")

# changelog.Debian.gz: gzip -9n (no name, no timestamp), as Debian requires for a reproducible
# package. Its first entry must name the package's version.
set(ACTORSHOP_DEB_RELEASE 1 CACHE STRING "Debian revision of the package")
set(deb_version ${PROJECT_VERSION}-${ACTORSHOP_DEB_RELEASE})
file(STRINGS ${debian_dir}/changelog changelog_head LIMIT_COUNT 1)
if(NOT changelog_head MATCHES "^actorshop \\(${deb_version}\\) ")
  message(FATAL_ERROR "packaging: config/debian/changelog's first entry is not ${deb_version}: "
    "add an entry for it")
endif()
find_program(GZIP gzip REQUIRED)
execute_process(COMMAND ${GZIP} -9n -c ${debian_dir}/changelog
  OUTPUT_FILE ${package_dir}/changelog.Debian.gz COMMAND_ERROR_IS_FATAL ANY)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${debian_dir}/changelog
  ${PROJECT_SOURCE_DIR}/LICENSE ${CMAKE_CURRENT_LIST_DIR}/actorshop.toml)
install(FILES ${package_dir}/copyright ${package_dir}/changelog.Debian.gz
  ${PROJECT_SOURCE_DIR}/README.md DESTINATION share/doc/actorshop)
# The lintian warnings we accept, each with its reason, in config/debian/lintian-overrides.
install(FILES ${debian_dir}/lintian-overrides DESTINATION share/lintian/overrides
  RENAME actorshop)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME actorshop)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "actor-model e-commerce service (coupons, orders, payments)")
# The extended description, plain: CPack puts the summary above it, indents each line by one
# space and writes an empty line as " .".
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"actorshop serves coupons, orders, payments and balances over HTTP/JSON. Each
customer, coupon and order is an actor (CAF); state is kept in SQLite with
batched, fsynced writes, and unpaid orders expire and release their stock.

The package holds the daemon with a hardened systemd unit (Type=notify,
dynamic user, state in /var/lib/actorshop), its configuration in
/etc/actorshop, and actorshop-bench, a load generator that replays the k6
load profiles in /usr/share/actorshop/profiles against it.")
set(ACTORSHOP_DEB_MAINTAINER
  "actorshop maintainers <maintainers@users.noreply.b-seed-3d5cce62.example>"
  CACHE STRING "Maintainer: field of the Debian package")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${ACTORSHOP_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_RELEASE ${ACTORSHOP_DEB_RELEASE})
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION web)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: from the libraries the binaries link (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA ${debian_dir}/conffiles ${debian_dir}/postinst
  ${debian_dir}/prerm ${debian_dir}/postrm)
include(CPack)
